package io.github.idempotency.core;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What one atomic claim found: either the key was free (absent, expired, or an ongoing record whose lease ran out)
 * and is now held by a new owner, or a record in force already holds it.
 */
public sealed interface ClaimResult {

	/**
	 * The key is now held under a lease.
	 * <p>
	 * A final class with the accessors, equality and string form of the record it was, so that a store may hand the
	 * deadline over in a form of its own ({@link #withDeadlineFrom}): a claim is made on every first request, and its
	 * deadline is seldom read.
	 */
	final class Claimed implements ClaimResult {

		private final OwnerToken owner;

		// an Instant, or a Supplier<Instant> given by a store that holds the deadline in another form
		private final Object leaseDeadline;

		private final boolean tookOver;

		/**
		 * A claim with its deadline.
		 * @param owner the new owner's token, to present on every later write
		 * @param leaseDeadline when the lease runs out unless renewed
		 * @param tookOver whether a previous owner's lease had run out and was taken over
		 */
		public Claimed(OwnerToken owner, Instant leaseDeadline, boolean tookOver) {
			this(owner, (Object) Objects.requireNonNull(leaseDeadline, "leaseDeadline"), tookOver);
		}

		private Claimed(OwnerToken owner, Object leaseDeadline, boolean tookOver) {
			this.owner = Objects.requireNonNull(owner, "owner");
			this.leaseDeadline = leaseDeadline;
			this.tookOver = tookOver;
		}

		/**
		 * A claim whose deadline a store keeps in a form of its own and makes into an {@link Instant} only when asked
		 * for, as the in-memory store does: the executor never reads it.
		 * @param owner the new owner's token, to present on every later write
		 * @param leaseDeadline gives when the lease runs out unless renewed: an equal instant on every call
		 * @param tookOver whether a previous owner's lease had run out and was taken over
		 * @return the claim
		 */
		public static Claimed withDeadlineFrom(OwnerToken owner, Supplier<Instant> leaseDeadline, boolean tookOver) {
			return new Claimed(owner, (Object) Objects.requireNonNull(leaseDeadline, "leaseDeadline"), tookOver);
		}

		/**
		 * The new owner's token.
		 * @return the token to present on every later write
		 */
		public OwnerToken owner() {
			return this.owner;
		}

		/**
		 * When the lease runs out unless renewed.
		 * @return the deadline
		 */
		@SuppressWarnings("unchecked")
		public Instant leaseDeadline() {
			return (this.leaseDeadline instanceof Instant instant) ? instant
					: Objects.requireNonNull(((Supplier<Instant>) this.leaseDeadline).get(), "leaseDeadline");
		}

		/**
		 * Whether a previous owner's lease had run out and was taken over.
		 * @return {@code true} for a takeover
		 */
		public boolean tookOver() {
			return this.tookOver;
		}

		@Override
		public boolean equals(Object other) {
			return this == other || (other instanceof Claimed claimed && this.owner.equals(claimed.owner)
					&& leaseDeadline().equals(claimed.leaseDeadline()) && this.tookOver == claimed.tookOver);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.owner, leaseDeadline(), this.tookOver);
		}

		@Override
		public String toString() {
			return "Claimed[owner=" + this.owner + ", leaseDeadline=" + leaseDeadline() + ", tookOver=" + this.tookOver
					+ "]";
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
