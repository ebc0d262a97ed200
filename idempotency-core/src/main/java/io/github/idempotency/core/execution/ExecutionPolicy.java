package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How the executor protects one kind of operation.
 *
 * @param endpoint bounded name for metrics and logs (an annotation's name or a route template)
 * @param lease how long a claim holds without renewal; the executor renews it every third of this while running
 * @param retention how long a finished result is replayed
 * @param onConflict what a duplicate does while the first execution runs
 * @param waitTimeout how long a duplicate waits with {@link ConflictStrategy#WAIT}
 * @param storeFailure what a request does when the store cannot be reached
 * @param maxExecutionTime how long the lease is renewed at most, or {@code null} for as long as the execution runs:
 * past it, renewals stop and the key can be taken over once the lease runs out
 */
public record ExecutionPolicy(String endpoint, Duration lease, Duration retention, ConflictStrategy onConflict,
		Duration waitTimeout, StoreFailureStrategy storeFailure, @Nullable Duration maxExecutionTime) {

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
		if (maxExecutionTime != null) {
			requirePositive(maxExecutionTime, "maxExecutionTime");
		}
	}

	/**
	 * A policy that renews the lease for as long as the execution runs.
	 * @param endpoint bounded name for metrics and logs
	 * @param lease how long a claim holds without renewal
	 * @param retention how long a finished result is replayed
	 * @param onConflict what a duplicate does while the first execution runs
	 * @param waitTimeout how long a duplicate waits with {@link ConflictStrategy#WAIT}
	 * @param storeFailure what a request does when the store cannot be reached
	 */
	public ExecutionPolicy(String endpoint, Duration lease, Duration retention, ConflictStrategy onConflict,
			Duration waitTimeout, StoreFailureStrategy storeFailure) {
		this(endpoint, lease, retention, onConflict, waitTimeout, storeFailure, null);
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
				this.storeFailure, this.maxExecutionTime);
	}

	public ExecutionPolicy withRetention(Duration retention) {
		return new ExecutionPolicy(this.endpoint, this.lease, retention, this.onConflict, this.waitTimeout,
				this.storeFailure, this.maxExecutionTime);
	}

	public ExecutionPolicy withConflictStrategy(ConflictStrategy onConflict, Duration waitTimeout) {
		return new ExecutionPolicy(this.endpoint, this.lease, this.retention, onConflict, waitTimeout,
				this.storeFailure, this.maxExecutionTime);
	}

	public ExecutionPolicy withStoreFailure(StoreFailureStrategy storeFailure) {
		return new ExecutionPolicy(this.endpoint, this.lease, this.retention, this.onConflict, this.waitTimeout,
				storeFailure, this.maxExecutionTime);
	}

	/**
	 * Bounds how long the lease is renewed.
	 * @param maxExecutionTime the bound, or {@code null} to renew for as long as the execution runs
	 * @return a copy with the bound
	 */
	public ExecutionPolicy withMaxExecutionTime(@Nullable Duration maxExecutionTime) {
		return new ExecutionPolicy(this.endpoint, this.lease, this.retention, this.onConflict, this.waitTimeout,
				this.storeFailure, maxExecutionTime);
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration == null || duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}

}
