package io.github.idempotency.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: before retry {@code n} (1 for the first retry) it waits a uniformly random
 * time between zero and {@code min(maxDelay, initialDelay * multiplier^(n-1))}. Full jitter spreads the retries of
 * many clients that failed together, so they do not hit the recovering server in waves.
 */
public final class ExponentialBackoff {

	private final Duration initialDelay;

	private final double multiplier;

	private final Duration maxDelay;

	private final DoubleSupplier random;

	/**
	 * Creates a backoff.
	 * @param initialDelay the ceiling of the first wait, positive
	 * @param multiplier the growth of the ceiling per retry, at least 1
	 * @param maxDelay the largest ceiling, at least {@code initialDelay}
	 * @param random uniform values in {@code [0, 1)}, e.g. {@code ThreadLocalRandom.current()::nextDouble}
	 */
	public ExponentialBackoff(Duration initialDelay, double multiplier, Duration maxDelay, DoubleSupplier random) {
		if (initialDelay.isNegative() || initialDelay.isZero()) {
			throw new IllegalArgumentException("initial-delay must be positive, was " + initialDelay);
		}
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
		}
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException(
					"max-delay (" + maxDelay + ") must not be shorter than initial-delay (" + initialDelay + ")");
		}
		this.initialDelay = initialDelay;
		this.multiplier = multiplier;
		this.maxDelay = maxDelay;
		this.random = random;
	}

	/**
	 * Returns the ceiling of the wait before a retry, before jitter.
	 * @param retry 1 for the first retry, 2 for the second, ...
	 * @return {@code min(maxDelay, initialDelay * multiplier^(retry-1))}
	 */
	public Duration ceiling(int retry) {
		if (retry < 1) {
			throw new IllegalArgumentException("retry must be at least 1, was " + retry);
		}
		double nanos = this.initialDelay.toNanos() * Math.pow(this.multiplier, retry - 1);
		long maxNanos = this.maxDelay.toNanos();
		return (nanos >= maxNanos) ? this.maxDelay : Duration.ofNanos((long) nanos);
	}

	/**
	 * Returns the wait before a retry.
	 * @param retry 1 for the first retry, 2 for the second, ...
	 * @return a uniformly random duration in {@code [0, ceiling(retry))}
	 */
	public Duration delay(int retry) {
		double fraction = this.random.getAsDouble();
		if (fraction < 0.0 || fraction >= 1.0) {
			throw new IllegalStateException("random source returned " + fraction + ", outside [0, 1)");
		}
		return Duration.ofNanos((long) (ceiling(retry).toNanos() * fraction));
	}

}
