package io.github.idempotency.benchmarks.web;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import com.sun.management.ThreadMXBean;

import org.springframework.test.web.servlet.MvcResult;

/**
 * The 503 of a full memory store against a replay, on {@link WebPathBenchmark}'s full-store app, timed by the thread's
 * CPU time and counted in bytes allocated, in paired rounds: issue 12's "the 503 path costs no more than a replay" on a
 * machine whose wall-clock figures are too noisy to tell a few per cent apart. Each round runs a batch of each request
 * kind, in an order drawn anew per round, so that whatever slows the machine during a round weighs on all of them; the
 * figure is the ratio of the refusal to the replay of the same number of bytes within each round, read as a median over
 * the rounds, with the count of rounds in which the refusal cost no more.
 * <p>
 * MockMvc runs the whole request on the calling thread, so its CPU time holds the filter, the dispatch, the store
 * and the write; the collector's work runs on its own threads and is left out, which the bytes allocated stand for.
 * <p>
 * {@code java -cp idempotency-benchmarks/target/benchmarks.jar io.github.idempotency.benchmarks.web.RefusalCpuTime
 * [rounds]}: 20 warm-up rounds, then 60 measured rounds (or as given) of 2,000 requests of each kind.
 */
public final class RefusalCpuTime {

	private static final int REQUESTS = 2_000;

	private static final int WARM_UP_ROUNDS = 20;

	private static final int DEFAULT_ROUNDS = 60;

	private RefusalCpuTime() {
	}

	/**
	 * Runs the rounds and prints the figures.
	 * @param args the number of measured rounds, optional
	 * @throws Exception when the app cannot start or a request is not answered as expected
	 */
	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : DEFAULT_ROUNDS;
		ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
		WebPathBenchmark.FullStore store = new WebPathBenchmark.FullStore();
		store.setUp();
		List<Kind> kinds = List.of(new Kind("refusal (503 problem)", store::refused, rounds),
				new Kind("replay of the same bytes", store::replayedProblemSized, rounds),
				new Kind("replay of the 89 B receipt", store::replayed, rounds));
		Random order = new Random(42);
		try {
			for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
				List<Kind> shuffled = new ArrayList<>(kinds);
				Collections.shuffle(shuffled, order);
				for (Kind kind : shuffled) {
					kind.run(threads, round);
				}
			}
		}
		finally {
			store.tearDown();
		}
		for (Kind kind : kinds) {
			kind.print(rounds);
		}
		Kind refusal = kinds.get(0);
		Kind replay = kinds.get(1);
		double[] ratios = new double[rounds];
		int noMore = 0;
		for (int round = 0; round < rounds; round++) {
			ratios[round] = refusal.nanos[round] / replay.nanos[round];
			noMore += (ratios[round] <= 1) ? 1 : 0;
		}
		Arrays.sort(ratios);
		System.out.printf("refusal / replay of the same bytes, per round: median %.3f, quartiles %.3f and %.3f; "
				+ "the refusal cost no more in %d of %d rounds%n", ratios[rounds / 2], ratios[rounds / 4],
				ratios[3 * rounds / 4], noMore, rounds);
	}

	@FunctionalInterface
	private interface Request {

		MvcResult send() throws Exception;

	}

	private static final class Kind {

		private final String name;

		private final Request request;

		private final double[] nanos;

		private final double[] bytes;

		Kind(String name, Request request, int rounds) {
			this.name = name;
			this.request = request;
			this.nanos = new double[rounds];
			this.bytes = new double[rounds];
		}

		// a negative round is a warm-up round: run, not kept
		void run(ThreadMXBean threads, int round) throws Exception {
			long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
			long cpuBefore = threads.getCurrentThreadCpuTime();
			int status = send();
			long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
			long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
			if (status == 0) {
				throw new IllegalStateException("No response");
			}
			if (round >= 0) {
				this.nanos[round] = (double) cpu / REQUESTS;
				this.bytes[round] = (double) allocated / REQUESTS;
			}
		}

		// a loop of its own, so that the JIT compiles it on its own; the statuses summed so that none is dead code
		private int send() throws Exception {
			int statuses = 0;
			for (int i = 0; i < REQUESTS; i++) {
				statuses += this.request.send().getResponse().getStatus();
			}
			return statuses;
		}

		void print(int rounds) {
			double[] sortedNanos = this.nanos.clone();
			double[] sortedBytes = this.bytes.clone();
			Arrays.sort(sortedNanos);
			Arrays.sort(sortedBytes);
			System.out.printf("%-28s CPU per request: median %.2f µs, quartiles %.2f and %.2f, minimum %.2f; "
					+ "allocated: median %.0f B%n", this.name, sortedNanos[rounds / 2] / 1000,
					sortedNanos[rounds / 4] / 1000, sortedNanos[3 * rounds / 4] / 1000, sortedNanos[0] / 1000,
					sortedBytes[rounds / 2]);
		}

	}

}
