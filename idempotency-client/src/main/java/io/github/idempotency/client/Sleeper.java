package io.github.idempotency.client;

import java.time.Duration;

/**
 * Waits between two attempts. The interceptor never calls {@link Thread#sleep} directly, so that tests of the
 * backoff record the waits instead of spending them.
 */
@FunctionalInterface
public interface Sleeper {

	/**
	 * Sleeps with {@link Thread#sleep(long)}.
	 */
	Sleeper THREAD = (duration) -> Thread.sleep(duration.toMillis());

	/**
	 * Waits for the given duration.
	 * @param duration how long to wait, never negative
	 * @throws InterruptedException when the thread is interrupted; the interceptor then stops retrying
	 */
	void sleep(Duration duration) throws InterruptedException;

}
