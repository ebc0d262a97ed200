package io.github.idempotency.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The CPU time per operation of {@link CoreAllocationBenchmark}'s {@code claimAndComplete} or
 * {@code storeClaimAndComplete}, for A/B comparisons on a machine shared with other work: JMH measures wall-clock
 * time, which on 2 cores shared at a load average of 10 swings by a factor of 3 from one iteration to the next, while
 * the thread's CPU time only counts the time it ran. It still counts cache misses that other processes cause, so
 * compare jars in alternating runs and read the median, not one figure.
 * <p>
 * {@code java -cp idempotency-benchmarks/target/benchmarks.jar io.github.idempotency.benchmarks.CoreCpuTime
 * claimAndComplete}: 10 warm-up rounds, then 20 measured rounds of 200,000 operations; prints the median, the
 * quartiles and the minimum in ns of CPU per operation.
 */
public final class CoreCpuTime {

	private static final int OPERATIONS = 200_000;

	private static final int WARM_UP_ROUNDS = 10;

	private static final int ROUNDS = 20;

	private CoreCpuTime() {
	}

	/**
	 * Runs the rounds and prints the figures.
	 * @param args {@code claimAndComplete} (the default) or {@code storeClaimAndComplete}
	 * @throws Exception when the benchmark's set-up fails
	 */
	public static void main(String[] args) throws Exception {
		String benchmark = (args.length > 0) ? args[0] : "claimAndComplete";
		if (!benchmark.equals("claimAndComplete") && !benchmark.equals("storeClaimAndComplete")) {
			throw new IllegalArgumentException("claimAndComplete or storeClaimAndComplete, not " + benchmark);
		}
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		CoreAllocationBenchmark state = new CoreAllocationBenchmark();
		state.setUp();
		double[] nanosPerOperation = new double[ROUNDS];
		long consumed = 0;
		try {
			for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
				long start = threads.getCurrentThreadCpuTime();
				consumed += benchmark.equals("claimAndComplete") ? claimAndComplete(state)
						: storeClaimAndComplete(state);
				long elapsed = threads.getCurrentThreadCpuTime() - start;
				if (round >= 0) {
					nanosPerOperation[round] = (double) elapsed / OPERATIONS;
				}
			}
		}
		finally {
			state.tearDown();
		}
		Arrays.sort(nanosPerOperation);
		System.out.printf("%s: median %.1f ns of CPU per operation, quartiles %.1f and %.1f, minimum %.1f (%d)%n",
				benchmark, nanosPerOperation[ROUNDS / 2], nanosPerOperation[ROUNDS / 4],
				nanosPerOperation[3 * ROUNDS / 4], nanosPerOperation[0], consumed);
	}

	// each loop in a method of its own, so that the JIT compiles it on its own

	private static long claimAndComplete(CoreAllocationBenchmark state) throws InterruptedException {
		long consumed = 0;
		for (int i = 0; i < OPERATIONS; i++) {
			consumed += state.claimAndComplete().ordinal();
		}
		return consumed;
	}

	private static long storeClaimAndComplete(CoreAllocationBenchmark state) {
		long consumed = 0;
		for (int i = 0; i < OPERATIONS; i++) {
			consumed += state.storeClaimAndComplete() ? 1 : 0;
		}
		return consumed;
	}

}
