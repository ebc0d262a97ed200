package io.github.idempotency.core.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The lease an execution holds, as its claim and renewals left it: when it runs out by the executor's clock,
 * whether a renewal found it lost, and until when it may be renewed ({@link ExecutionPolicy#maxExecutionTime()}).
 */
final class Lease {

	private final Clock clock;

	private final Duration length;

	private final @Nullable Instant renewableUntil;

	private volatile Instant deadline;

	private volatile boolean lost;

	Lease(Clock clock, Duration length, Instant claimedAt, @Nullable Duration maxExecutionTime) {
		this.clock = clock;
		this.length = length;
		this.deadline = claimedAt.plus(length);
		this.renewableUntil = (maxExecutionTime != null) ? claimedAt.plus(maxExecutionTime) : null;
	}

	Instant deadline() {
		return this.deadline;
	}

	/**
	 * A renewal made at {@code now} was accepted by the store.
	 * @param now the instant passed to the store
	 */
	void renewed(Instant now) {
		Instant extended = now.plus(this.length);
		if (extended.isAfter(this.deadline)) {
			this.deadline = extended;
		}
	}

	void markLost() {
		this.lost = true;
	}

	/** {@return whether a renewal was refused or the deadline passed without one} */
	boolean isLost() {
		return this.lost || !this.clock.instant().isBefore(this.deadline);
	}

	/**
	 * Whether the lease may still be renewed at {@code now}.
	 * @param now the executor's time
	 * @return {@code false} once the maximum execution time has passed
	 */
	boolean isRenewable(Instant now) {
		return this.renewableUntil == null || now.isBefore(this.renewableUntil);
	}

	@Nullable Instant renewableUntil() {
		return this.renewableUntil;
	}

}
