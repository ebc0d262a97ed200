package io.github.idempotency.core;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored record: an ongoing execution or a finished one. {@link RecordState#ABSENT} has no record.
 *
 * @param state {@link RecordState#ONGOING}, {@link RecordState#FINISHED_OK} or {@link RecordState#FINISHED_ERROR}
 * @param owner the owner token of an ongoing execution; {@code null} once finished
 * @param fingerprint the fingerprint of the request that claimed the key
 * @param response the stored response of a finished execution; {@code null} while ongoing
 * @param expiresAt the lease deadline while ongoing, the end of retention once finished
 * @param awaitingResponseUntil for a record finished in its owner's transaction with a provisional response (the
 * method's effects committed, the final response not attached yet): until when it counts as in progress, so that a
 * duplicate waits for the final response rather than replay the provisional one; {@code null} otherwise. Past this
 * instant the owner is presumed dead and the provisional response is replayed.
 */
public record IdempotencyRecord(RecordState state, @Nullable OwnerToken owner, RequestFingerprint fingerprint,
		@Nullable StoredResponse response, Instant expiresAt, @Nullable Instant awaitingResponseUntil) {

	public IdempotencyRecord {
		Objects.requireNonNull(state, "state");
		Objects.requireNonNull(fingerprint, "fingerprint");
		Objects.requireNonNull(expiresAt, "expiresAt");
		if (state == RecordState.ABSENT) {
			throw new IllegalArgumentException("An absent key has no record");
		}
		if (state == RecordState.ONGOING && (owner == null || response != null)) {
			throw new IllegalArgumentException("An ongoing record has an owner and no response");
		}
		if (state.isFinished() && (owner != null || response == null)) {
			throw new IllegalArgumentException("A finished record has a response and no owner");
		}
		if (awaitingResponseUntil != null && !state.isFinished()) {
			throw new IllegalArgumentException("Only a finished record awaits its final response");
		}
	}

	/**
	 * A record that awaits no response.
	 * @param state the state
	 * @param owner the owner token of an ongoing execution; {@code null} once finished
	 * @param fingerprint the fingerprint of the request that claimed the key
	 * @param response the stored response of a finished execution; {@code null} while ongoing
	 * @param expiresAt the lease deadline while ongoing, the end of retention once finished
	 */
	public IdempotencyRecord(RecordState state, @Nullable OwnerToken owner, RequestFingerprint fingerprint,
			@Nullable StoredResponse response, Instant expiresAt) {
		this(state, owner, fingerprint, response, expiresAt, null);
	}

	/**
	 * An ongoing record.
	 * @param owner the owner's token
	 * @param fingerprint the claiming request's fingerprint
	 * @param leaseDeadline when the lease runs out unless renewed
	 * @return the record
	 */
	public static IdempotencyRecord ongoing(OwnerToken owner, RequestFingerprint fingerprint, Instant leaseDeadline) {
		return new IdempotencyRecord(RecordState.ONGOING, owner, fingerprint, null, leaseDeadline);
	}

	/**
	 * A finished record.
	 * @param state {@link RecordState#FINISHED_OK} or {@link RecordState#FINISHED_ERROR}
	 * @param fingerprint the claiming request's fingerprint
	 * @param response the response to replay
	 * @param expiresAt the end of retention
	 * @return the record
	 */
	public static IdempotencyRecord finished(RecordState state, RequestFingerprint fingerprint, StoredResponse response,
			Instant expiresAt) {
		return new IdempotencyRecord(state, null, fingerprint, response, expiresAt);
	}

	/**
	 * A record finished in its owner's transaction, whose final response the owner has yet to attach (a store that
	 * joins the application's transaction writes it, e.g. the JPA store with {@code join-transaction}).
	 * @param state {@link RecordState#FINISHED_OK} or {@link RecordState#FINISHED_ERROR}
	 * @param fingerprint the claiming request's fingerprint
	 * @param provisional the response to replay should the final one never be attached
	 * @param expiresAt the end of retention
	 * @param awaitingResponseUntil until when the record counts as in progress (one lease after the commit)
	 * @return the record
	 */
	public static IdempotencyRecord awaitingResponse(RecordState state, RequestFingerprint fingerprint,
			StoredResponse provisional, Instant expiresAt, Instant awaitingResponseUntil) {
		return new IdempotencyRecord(state, null, fingerprint, provisional, expiresAt,
				Objects.requireNonNull(awaitingResponseUntil, "awaitingResponseUntil"));
	}

	/**
	 * Whether an execution still holds the key at the given instant: the record is ongoing, or it finished in its
	 * owner's transaction and the owner may still attach the final response (see {@link #awaitingResponseUntil()}).
	 * A duplicate is then told "in progress" (or waits), never given the provisional response. The one rule every
	 * caller reads: the executor's claim and the wait for a running duplicate.
	 * @param now the current instant
	 * @return {@code true} while in progress
	 */
	public boolean isInProgressAt(Instant now) {
		return this.state == RecordState.ONGOING
				|| (this.awaitingResponseUntil != null && now.isBefore(this.awaitingResponseUntil));
	}

	/**
	 * Whether the record still counts at the given instant: a lease that ran out or a retention that ended makes
	 * the key {@link RecordState#ABSENT} again.
	 * @param now the current instant
	 * @return {@code true} while the record is in force
	 */
	public boolean isLiveAt(Instant now) {
		return now.isBefore(this.expiresAt);
	}

	/**
	 * Whether the given token owns this record.
	 * @param token a token
	 * @return {@code true} when the record is ongoing and held by that token
	 */
	public boolean isOwnedBy(OwnerToken token) {
		return this.state == RecordState.ONGOING && this.owner.equals(token);
	}

}
