package io.github.idempotency.core.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import org.jspecify.annotations.Nullable;

/**
 * The transitions of one record, as pure functions of the record in force (or {@code null} for none), the event
 * and the current instant. Stores implement exactly these semantics atomically: the in-memory store on its own form
 * of a record (its expiry as numbers), the Redis and JPA stores in a script or a conditional statement; the store
 * contract tests, and a randomized comparison of the in-memory store with these functions, check that they agree.
 */
public final class IdempotencyStateMachine {

	private IdempotencyStateMachine() {
	}

	/**
	 * The record that counts at {@code now}: expired leases and retentions count as absent.
	 * @param current the stored record, or {@code null}
	 * @param now the current instant
	 * @return the record in force, or {@code null}
	 */
	public static @Nullable IdempotencyRecord inForce(@Nullable IdempotencyRecord current, Instant now) {
		return (current != null && current.isLiveAt(now)) ? current : null;
	}

	/**
	 * Claim: ABSENT (or expired) to ONGOING with the given new token; anything in force stays as it is.
	 * @param current the stored record, or {@code null}
	 * @param fingerprint the claiming request's fingerprint
	 * @param newOwner the token to hand out if the claim succeeds
	 * @param now the current instant
	 * @param lease the lease
	 * @return the result and the record to store afterwards
	 */
	public static Transition<ClaimResult> claim(@Nullable IdempotencyRecord current, RequestFingerprint fingerprint,
			OwnerToken newOwner, Instant now, Duration lease) {
		requirePositive(lease, "lease");
		IdempotencyRecord inForce = inForce(current, now);
		if (inForce != null) {
			return new Transition<>(new ClaimResult.Existing(inForce), inForce);
		}
		boolean tookOver = current != null && current.state() == RecordState.ONGOING;
		Instant deadline = now.plus(lease);
		return new Transition<>(new ClaimResult.Claimed(newOwner, deadline, tookOver),
				IdempotencyRecord.ongoing(newOwner, fingerprint, deadline));
	}

	/**
	 * Complete: ONGOING held by {@code owner} to a finished state kept for {@code retention}; fenced otherwise.
	 * @param current the stored record, or {@code null}
	 * @param owner the presented token
	 * @param state the finished state
	 * @param response the response to keep
	 * @param now the current instant
	 * @param retention how long to keep it
	 * @return whether it was applied, and the record to store afterwards
	 */
	public static Transition<Boolean> complete(@Nullable IdempotencyRecord current, OwnerToken owner,
			RecordState state, StoredResponse response, Instant now, Duration retention) {
		requireCompletion(state, response, retention);
		IdempotencyRecord inForce = inForce(current, now);
		if (inForce == null || !inForce.isOwnedBy(owner)) {
			return fenced(current);
		}
		return new Transition<>(true,
				IdempotencyRecord.finished(state, inForce.fingerprint(), response, now.plus(retention)));
	}

	/**
	 * {@link #complete(IdempotencyRecord, OwnerToken, RecordState, StoredResponse, Instant, Duration)} at an instant
	 * given in milliseconds since the epoch, exactly as at {@link Instant#ofEpochMilli(long)} of it, without making
	 * that instant.
	 * @param current the stored record, or {@code null}
	 * @param owner the presented token
	 * @param state the finished state
	 * @param response the response to keep
	 * @param nowEpochMillis the current instant, in milliseconds since the epoch
	 * @param retention how long to keep it
	 * @return whether it was applied, and the record to store afterwards
	 */
	public static Transition<Boolean> complete(@Nullable IdempotencyRecord current, OwnerToken owner,
			RecordState state, StoredResponse response, long nowEpochMillis, Duration retention) {
		requireCompletion(state, response, retention);
		long second = Math.floorDiv(nowEpochMillis, 1000L);
		int nano = (int) Math.floorMod(nowEpochMillis, 1000L) * 1_000_000;
		boolean inForce = current != null && isBefore(second, nano, current.expiresAt());
		if (!inForce || !current.isOwnedBy(owner)) {
			return fenced(current);
		}
		Instant endOfRetention = Instant.ofEpochSecond(Math.addExact(second, retention.getSeconds()),
				(long) nano + retention.getNano());
		return new Transition<>(true,
				IdempotencyRecord.finished(state, current.fingerprint(), response, endOfRetention));
	}

	/**
	 * Release: ONGOING held by {@code owner} to ABSENT; fenced otherwise.
	 * @param current the stored record, or {@code null}
	 * @param owner the presented token
	 * @param now the current instant
	 * @return whether it was applied, and the record to store afterwards ({@code null} once released)
	 */
	public static Transition<Boolean> release(@Nullable IdempotencyRecord current, OwnerToken owner, Instant now) {
		IdempotencyRecord inForce = inForce(current, now);
		if (inForce == null || !inForce.isOwnedBy(owner)) {
			return fenced(current);
		}
		return new Transition<>(true, null);
	}

	/**
	 * Renew: ONGOING held by {@code owner} gets a lease counted from now; fenced otherwise. A lease that already
	 * ran out cannot be renewed, even when nobody took it over yet: the owner may have been presumed dead.
	 * @param current the stored record, or {@code null}
	 * @param owner the presented token
	 * @param now the current instant
	 * @param lease the new lease
	 * @return whether it was applied, and the record to store afterwards
	 */
	public static Transition<Boolean> renew(@Nullable IdempotencyRecord current, OwnerToken owner, Instant now,
			Duration lease) {
		requirePositive(lease, "lease");
		IdempotencyRecord inForce = inForce(current, now);
		if (inForce == null || !inForce.isOwnedBy(owner)) {
			return fenced(current);
		}
		return new Transition<>(true, IdempotencyRecord.ongoing(owner, inForce.fingerprint(), now.plus(lease)));
	}

	/**
	 * Administrative delete, fenced by what the operator saw: the record in force is deleted only when it is still
	 * {@code seen}. An ongoing record is still the one seen while the same owner holds it (renewals do not change
	 * that; a takeover or a completion does); a finished record is still the one seen while it has the same state and
	 * end of retention (a new completion after a release or takeover has another one).
	 * @param current the stored record, or {@code null}
	 * @param seen the record as the operator read it
	 * @param now the current instant
	 * @return whether it was deleted, and the record to store afterwards ({@code null} once deleted)
	 */
	public static Transition<Boolean> deleteIfUnchanged(@Nullable IdempotencyRecord current, IdempotencyRecord seen,
			Instant now) {
		Objects.requireNonNull(seen, "seen");
		IdempotencyRecord inForce = inForce(current, now);
		if (inForce == null || !isSameRecord(inForce, seen)) {
			return fenced(current);
		}
		return new Transition<>(true, null);
	}

	/**
	 * Whether a record in force is still the one an operator saw: the rule of
	 * {@link #deleteIfUnchanged(IdempotencyRecord, IdempotencyRecord, Instant)}, for stores that check it in their own
	 * query language.
	 * @param inForce the record in force
	 * @param seen the record as read earlier
	 * @return {@code true} when both are the same claim or the same completion
	 */
	public static boolean isSameRecord(IdempotencyRecord inForce, IdempotencyRecord seen) {
		if (inForce.state() != seen.state()) {
			return false;
		}
		if (inForce.state() == RecordState.ONGOING) {
			return inForce.owner().equals(seen.owner());
		}
		return inForce.expiresAt().equals(seen.expiresAt());
	}

	private static void requireCompletion(RecordState state, StoredResponse response, Duration retention) {
		if (!state.isFinished()) {
			throw new IllegalArgumentException("A completion finishes the record, not " + state);
		}
		Objects.requireNonNull(response, "response");
		requirePositive(retention, "retention");
	}

	/** {@code now.isBefore(instant)} for a {@code now} given as its second and nanosecond. */
	private static boolean isBefore(long second, int nano, Instant instant) {
		long instantSecond = instant.getEpochSecond();
		return second < instantSecond || (second == instantSecond && nano < instant.getNano());
	}

	private static Transition<Boolean> fenced(@Nullable IdempotencyRecord current) {
		return new Transition<>(false, current);
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration == null || duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}

	/**
	 * The outcome of a transition and the record to store afterwards.
	 *
	 * @param <R> the outcome's type
	 * @param result what the caller is told
	 * @param next the record to store, or {@code null} for none
	 */
	public record Transition<R>(R result, @Nullable IdempotencyRecord next) {
	}

}
