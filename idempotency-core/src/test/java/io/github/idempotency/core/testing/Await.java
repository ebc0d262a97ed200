package io.github.idempotency.core.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/**
 * Waits, in a test, until a condition that another thread brings about holds, and fails the test if it does not in
 * time. It exists so that tests wait for a precondition instead of sleeping and hoping, without each test class
 * carrying its own polling loop.
 */
public final class Await {

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private Await() {
	}

	/**
	 * Waits up to ten seconds until the condition holds.
	 * @param condition the condition, polled about once a millisecond
	 * @param what what the condition means, for the failure message
	 */
	public static void until(BooleanSupplier condition, String what) {
		until(condition, what, DEFAULT_TIMEOUT);
	}

	/**
	 * Waits until the condition holds.
	 * @param condition the condition, polled about once a millisecond
	 * @param what what the condition means, for the failure message
	 * @param timeout how long to wait before failing the test
	 */
	public static void until(BooleanSupplier condition, String what, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				fail("Timed out after " + timeout + " waiting until " + what);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

}
