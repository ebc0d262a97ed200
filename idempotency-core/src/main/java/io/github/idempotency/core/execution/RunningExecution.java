package io.github.idempotency.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import io.github.idempotency.core.StorageKey;

/**
 * A read-only view of one execution that holds its key in this JVM, as {@link IdempotentExecutor#runningExecutions()}
 * saw it. Carries the storage key (a hash), never the client's key or the principal.
 *
 * @param key the hashed key the execution holds
 * @param endpoint the endpoint's name
 * @param startedAt when the key was claimed, by the executor's clock
 * @param leaseDeadline when the lease runs out unless renewed again, by the executor's clock (a store with a clock of
 * its own, Redis or a database, decides by that one, so the two may differ by the clocks' skew)
 * @param renewals how many times the lease was renewed
 */
public record RunningExecution(StorageKey key, String endpoint, Instant startedAt, Instant leaseDeadline,
		int renewals) {

	public RunningExecution {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(endpoint, "endpoint");
		Objects.requireNonNull(startedAt, "startedAt");
		Objects.requireNonNull(leaseDeadline, "leaseDeadline");
	}

	/**
	 * How long the execution has run.
	 * @param now the current instant
	 * @return the time since the claim, never negative
	 */
	public Duration age(Instant now) {
		Duration age = Duration.between(this.startedAt, now);
		return age.isNegative() ? Duration.ZERO : age;
	}

}
