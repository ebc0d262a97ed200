package io.github.idempotency.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;

/**
 * Where idempotency records live. Every operation is one atomic, linearizable step per key: implementations never
 * read in one round trip and write in another.
 * <p>
 * Writes other than {@link #claim} are <em>fenced</em>: they take the owner token that {@link #claim} handed out
 * and change nothing when that token no longer owns the record (its lease ran out and another owner took over, or
 * the record was released or completed). A lease that ran out fences its owner too, taken over or not, so that
 * every store agrees whether or not it removes expired records eagerly. A fenced write returns {@code false}; the
 * caller reports it.
 * <p>
 * {@code now} is the caller's current instant. A store with an authoritative clock of its own (a Redis server, a
 * database) may decide expiry by that clock instead, which keeps a fleet of instances with skewed clocks consistent;
 * it then documents so. Records past their expiry count as {@link RecordState#ABSENT} whether or not they were
 * physically removed.
 * <p>
 * Failures to reach the store are thrown as {@link IdempotencyStoreException}; a record that cannot be decoded is
 * thrown as {@link CorruptRecordException} and is never treated as absent.
 *
 * @see io.github.idempotency.core.state.IdempotencyStateMachine the reference semantics
 */
public interface IdempotencyStore {

	/**
	 * Claims a key in one atomic step. Succeeds when the key is absent, expired, or held by an ongoing record whose
	 * lease ran out (a takeover, with a new token); otherwise returns the record in force and writes nothing.
	 * @param key the key
	 * @param fingerprint the fingerprint of the claiming request, kept with the record
	 * @param now the caller's current instant
	 * @param lease how long the claim holds without renewal
	 * @return {@link ClaimResult.Claimed} or {@link ClaimResult.Existing}
	 */
	ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease);

	/**
	 * {@link #claim(StorageKey, RequestFingerprint, Instant, Duration)} with the caller's current instant in
	 * milliseconds since the epoch: what the executor calls, once per request, so that a store that decides in
	 * numbers makes no {@link Instant} for it. The default passes the instant on.
	 * @param key the key
	 * @param fingerprint the fingerprint of the claiming request, kept with the record
	 * @param nowEpochMillis the caller's current instant, in milliseconds since the epoch
	 * @param lease how long the claim holds without renewal
	 * @return {@link ClaimResult.Claimed} or {@link ClaimResult.Existing}
	 */
	default ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease) {
		return claim(key, fingerprint, Instant.ofEpochMilli(nowEpochMillis), lease);
	}

	/**
	 * {@link #claim(StorageKey, RequestFingerprint, long, Duration)} told how long a completion of this claim will
	 * keep the record: what the executor calls. A store that finds expired records itself can then file a new record
	 * where its completion leaves it, so that finishing the record does not move it (a table whose purge reads an
	 * index: the completion touches no indexed column). It only places the record: what the claim returns and how
	 * long the record is in force are those of the other variant. The default ignores the retention; a store that
	 * delegates to another forwards this variant as it is, or the other store never learns the retention.
	 * @param key the key
	 * @param fingerprint the fingerprint of the claiming request, kept with the record
	 * @param nowEpochMillis the caller's current instant, in milliseconds since the epoch
	 * @param lease how long the claim holds without renewal
	 * @param retention how long {@link #complete} will keep the response, as the caller will pass it
	 * @return {@link ClaimResult.Claimed} or {@link ClaimResult.Existing}
	 */
	default ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease,
			Duration retention) {
		return claim(key, fingerprint, nowEpochMillis, lease);
	}

	/**
	 * Finishes an ongoing record held by {@code owner}, keeping the response for {@code retention}.
	 * @param key the key
	 * @param owner the token the claim returned
	 * @param state {@link RecordState#FINISHED_OK} or {@link RecordState#FINISHED_ERROR}
	 * @param response the response to replay
	 * @param now the caller's current instant
	 * @param retention how long the response is replayed
	 * @return {@code true} when written; {@code false} when fenced: {@code owner} no longer holds the record
	 */
	boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention);

	/**
	 * {@link #complete(StorageKey, OwnerToken, RecordState, StoredResponse, Instant, Duration)} with the caller's
	 * current instant in milliseconds since the epoch: what the executor calls, once per execution, so that a store
	 * that decides in milliseconds makes no {@link Instant} for it. The default passes the instant on.
	 * @param key the key
	 * @param owner the token the claim returned
	 * @param state {@link RecordState#FINISHED_OK} or {@link RecordState#FINISHED_ERROR}
	 * @param response the response to replay
	 * @param nowEpochMillis the caller's current instant, in milliseconds since the epoch
	 * @param retention how long the response is replayed
	 * @return {@code true} when written; {@code false} when fenced: {@code owner} no longer holds the record
	 */
	default boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
			long nowEpochMillis, Duration retention) {
		return complete(key, owner, state, response, Instant.ofEpochMilli(nowEpochMillis), retention);
	}

	/**
	 * Deletes an ongoing record held by {@code owner}, so that a retry runs again.
	 * @param key the key
	 * @param owner the token the claim returned
	 * @param now the caller's current instant
	 * @return {@code true} when deleted; {@code false} when fenced: {@code owner} no longer holds the record
	 */
	boolean release(StorageKey key, OwnerToken owner, Instant now);

	/**
	 * Extends the lease of an ongoing record held by {@code owner}, so that a slow but live execution is not taken
	 * over.
	 * @param key the key
	 * @param owner the token the claim returned
	 * @param now the caller's current instant
	 * @param lease the new lease, counted from now
	 * @return {@code true} when extended; {@code false} when fenced: {@code owner} no longer holds the record
	 */
	boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease);

	/**
	 * Reads the record in force for a key.
	 * @param key the key
	 * @param now the caller's current instant
	 * @return the record, or empty when the key is absent or its record expired
	 */
	Optional<IdempotencyRecord> find(StorageKey key, Instant now);

	/**
	 * Deletes a record whatever its state or owner: an administrative override, never used by executions. Prefer
	 * {@link #deleteIfUnchanged}, which cannot delete a record written after the operator looked.
	 * @param key the key
	 * @return {@code true} when a record was deleted
	 */
	boolean delete(StorageKey key);

	/**
	 * Deletes the record in force for a key only when it is still the record an operator read with {@link #find}: an
	 * ongoing record held by the same owner (a renewal keeps it the same record; a takeover or a completion does
	 * not), or a finished record with the same state and end of retention. This is the fenced form of
	 * {@link #delete}, for an operator who unblocks a key after an incident: what they decided on is what gets
	 * deleted, never a record written since (a completion that landed meanwhile, or a new owner's claim).
	 * <p>
	 * One atomic step, like every write; an expired record is not deleted (it already counts as absent).
	 * @param key the key
	 * @param seen the record as {@link #find} returned it
	 * @param now the caller's current instant
	 * @return {@code true} when deleted; {@code false} when fenced: the key is absent or holds another record now
	 */
	boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now);

	/**
	 * A short, stable name for metrics and logs, such as {@code memory}, {@code redis} or {@code jpa}.
	 * @return the store's name
	 */
	default String name() {
		return getClass().getSimpleName();
	}

}
