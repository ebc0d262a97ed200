package io.github.idempotency.faultsuite.harness;

import java.time.Duration;
import java.util.Locale;

/**
 * Counts the child apps' start-ups (from the process's start to its first healthy answer and the end of its
 * warm-up, if any, or to its failure) and the CPU each used meanwhile, so that the report shows how much of a
 * scenario's time they are. Start-ups that overlap are each counted whole.
 */
final class StartUps {

	private static int count;

	private static long wallNanos;

	private static long cpuNanos;

	private static long preparationNanos;

	private StartUps() {
	}

	static synchronized void record(String name, long wall, Duration cpu) {
		count++;
		wallNanos += wall;
		cpuNanos += cpu.toNanos();
		System.out.println(String.format(Locale.ROOT, "fault suite: app %s started in %.1f s (%.1f s of CPU)", name,
				wall / 1e9, cpu.toNanos() / 1e9));
	}

	/**
	 * Counts time spent making what makes start-ups faster (a Spring AOT context, a class-data archive), which the
	 * report shows apart from the rows that waited for it.
	 * @param nanos the time spent
	 */
	static synchronized void recordPreparation(long nanos) {
		preparationNanos += nanos;
	}

	/**
	 * The preparation's time so far, in this JVM.
	 * @return nanoseconds
	 */
	static synchronized long preparationNanos() {
		return preparationNanos;
	}

	/**
	 * The totals so far.
	 * @return {count, wall nanoseconds, CPU nanoseconds}
	 */
	static synchronized long[] totals() {
		return new long[] { count, wallNanos, cpuNanos };
	}

}
