package io.github.idempotency.core;

import java.time.Instant;
import java.util.Objects;

/**
 * What one atomic claim found: either the key was free (absent, expired, or an ongoing record whose lease ran out)
 * and is now held by a new owner, or a record in force already holds it.
 */
public sealed interface ClaimResult {

	/**
	 * The key is now held under a lease.
	 *
	 * @param owner the new owner's token, to present on every later write
	 * @param leaseDeadline when the lease runs out unless renewed
	 * @param tookOver whether a previous owner's lease had run out and was taken over
	 */
	record Claimed(OwnerToken owner, Instant leaseDeadline, boolean tookOver) implements ClaimResult {

		public Claimed {
			Objects.requireNonNull(owner, "owner");
			Objects.requireNonNull(leaseDeadline, "leaseDeadline");
		}

	}

	/**
	 * A record in force holds the key; nothing was written.
	 *
	 * @param record the record as it was when the claim ran
	 */
	record Existing(IdempotencyRecord record) implements ClaimResult {

		public Existing {
			Objects.requireNonNull(record, "record");
		}

	}

}
