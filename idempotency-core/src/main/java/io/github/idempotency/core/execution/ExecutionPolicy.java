package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.Objects;

/**
 * How the executor protects one kind of operation.
 *
 * @param endpoint bounded name for metrics and logs (an annotation's name or a route template)
 * @param lease how long a claim holds without renewal; the executor renews it every third of this while running
 * @param retention how long a finished result is replayed
 * @param onConflict what a duplicate does while the first execution runs
 * @param waitTimeout how long a duplicate waits with {@link ConflictStrategy#WAIT}
 * @param storeFailure what a request does when the store cannot be reached
 */
public record ExecutionPolicy(String endpoint, Duration lease, Duration retention, ConflictStrategy onConflict,
		Duration waitTimeout, StoreFailureStrategy storeFailure) {

	/** Default lease: 30 seconds. */
	public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

	/** Default retention: 24 hours. */
	public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

	/** Default wait bound for {@link ConflictStrategy#WAIT}: 10 seconds. */
	public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(10);

	public ExecutionPolicy {
		Objects.requireNonNull(endpoint, "endpoint");
		requirePositive(lease, "lease");
		requirePositive(retention, "retention");
		Objects.requireNonNull(onConflict, "onConflict");
		Objects.requireNonNull(waitTimeout, "waitTimeout");
		if (waitTimeout.isNegative()) {
			throw new IllegalArgumentException("waitTimeout must not be negative, was " + waitTimeout);
		}
		Objects.requireNonNull(storeFailure, "storeFailure");
	}

	/**
	 * The defaults: 30 s lease, 24 h retention, reject conflicts, fail closed.
	 * @param endpoint the endpoint's name
	 * @return the policy
	 */
	public static ExecutionPolicy defaults(String endpoint) {
		return new ExecutionPolicy(endpoint, DEFAULT_LEASE, DEFAULT_RETENTION, ConflictStrategy.REJECT,
				DEFAULT_WAIT_TIMEOUT, StoreFailureStrategy.FAIL_CLOSED);
	}

	public ExecutionPolicy withLease(Duration lease) {
		return new ExecutionPolicy(this.endpoint, lease, this.retention, this.onConflict, this.waitTimeout,
				this.storeFailure);
	}

	public ExecutionPolicy withRetention(Duration retention) {
		return new ExecutionPolicy(this.endpoint, this.lease, retention, this.onConflict, this.waitTimeout,
				this.storeFailure);
	}

	public ExecutionPolicy withConflictStrategy(ConflictStrategy onConflict, Duration waitTimeout) {
		return new ExecutionPolicy(this.endpoint, this.lease, this.retention, onConflict, waitTimeout,
				this.storeFailure);
	}

	public ExecutionPolicy withStoreFailure(StoreFailureStrategy storeFailure) {
		return new ExecutionPolicy(this.endpoint, this.lease, this.retention, this.onConflict, this.waitTimeout,
				storeFailure);
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration == null || duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}

}
