package io.github.idempotency.spring.redis;

import java.time.Duration;

/**
 * Durations for running the store contract on a real Redis server, whose own clock decides expiry: long enough that
 * a loaded build machine does not make them flaky, short enough to sleep through. A 1 s lease was not: on two cores
 * with a load average of 20, the record of a claim had expired by the time the next command read it.
 */
final class RedisTime {

	static final Duration LEASE = Duration.ofMillis(3000);

	static final Duration RETENTION = Duration.ofMillis(5000);

	/** The skew allowed between the test's clock and Redis's, round trips included. */
	static final Duration CLOCK_TOLERANCE = Duration.ofMillis(1000);

	private RedisTime() {
	}

	/**
	 * Lets real time pass: the store contract's way to let Redis's clock run past a deadline.
	 * @param duration how long
	 */
	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
