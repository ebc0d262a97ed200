package io.github.idempotency.core.store;

import java.time.Instant;
import java.util.function.Supplier;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import org.jspecify.annotations.Nullable;

/**
 * One record of the in-memory store, held in its map and, at the same time, a link of its {@link ExpiryBucket}.
 * <p>
 * It holds the record's fields itself, its expiry as numbers, rather than an {@link IdempotencyRecord} and its
 * {@link Instant}: a first request writes two records, and reads neither. The {@link IdempotencyRecord} is made when
 * one is read (by {@link io.github.idempotency.core.store.IdempotencyStore#find find}, or a duplicate's claim), and
 * kept. A write replaces the slot, never changes its record, so that the map and the buckets can tell by identity
 * whether a slot is still current.
 * <p>
 * As a {@link Supplier}, it gives its expiry: the deadline of the claim that wrote it, for
 * {@link io.github.idempotency.core.ClaimResult.Claimed#withDeadlineFrom}.
 */
final class StoredSlot implements Supplier<Instant> {

	// the nanosecond of the expiry (below 2^30) and, above it, the state's ordinal: one int instead of an int and a
	// reference, which keeps a slot at 48 bytes
	private static final int STATE_SHIFT = 30;

	private static final int NANO_MASK = (1 << STATE_SHIFT) - 1;

	private static final RecordState[] STATES = RecordState.values();

	final StorageKey key;

	final RequestFingerprint fingerprint;

	private final long expirySecond;

	private final int expiryNanoAndState;

	// the owner's token while ongoing, the response once finished, until the record is asked for: then the record,
	// which holds either. Written again without a lock; a reader sees the one or the other, and both hold the same
	// (the record's fields are final, so a record seen through the race is seen whole)
	private Object payload;

	// the links: written and read under the monitor of the bucket the slot is in, null when in none
	@Nullable ExpiryBucket bucket;

	@Nullable StoredSlot previous;

	@Nullable StoredSlot next;

	private StoredSlot(StorageKey key, RecordState state, RequestFingerprint fingerprint, Object payload,
			long expirySecond, int expiryNano) {
		this.key = key;
		this.fingerprint = fingerprint;
		this.payload = payload;
		this.expirySecond = expirySecond;
		this.expiryNanoAndState = expiryNano | (state.ordinal() << STATE_SHIFT);
	}

	/**
	 * An ongoing record.
	 * @param key the key
	 * @param owner the owner's token
	 * @param fingerprint the claiming request's fingerprint
	 * @param deadlineSecond the second the lease runs out at, since the epoch
	 * @param deadlineNano its nanosecond
	 * @return the slot
	 */
	static StoredSlot ongoing(StorageKey key, OwnerToken owner, RequestFingerprint fingerprint, long deadlineSecond,
			int deadlineNano) {
		return new StoredSlot(key, RecordState.ONGOING, fingerprint, owner, deadlineSecond, deadlineNano);
	}

	/**
	 * A finished record.
	 * @param key the key
	 * @param state {@link RecordState#FINISHED_OK} or {@link RecordState#FINISHED_ERROR}
	 * @param fingerprint the claiming request's fingerprint
	 * @param response the response to replay
	 * @param endSecond the second the retention ends at, since the epoch
	 * @param endNano its nanosecond
	 * @return the slot
	 */
	static StoredSlot finished(StorageKey key, RecordState state, RequestFingerprint fingerprint,
			StoredResponse response, long endSecond, int endNano) {
		return new StoredSlot(key, state, fingerprint, response, endSecond, endNano);
	}

	RecordState state() {
		return STATES[this.expiryNanoAndState >>> STATE_SHIFT];
	}

	boolean isOngoing() {
		return state() == RecordState.ONGOING;
	}

	/** {@return the second the record expires in, since the epoch: the bucket it belongs to} */
	long expirySecond() {
		return this.expirySecond;
	}

	/** {@return the nanosecond of the expiry, within {@link #expirySecond()}} */
	int expiryNano() {
		return this.expiryNanoAndState & NANO_MASK;
	}

	/**
	 * Whether the record still counts at the given time: as {@link IdempotencyRecord#isLiveAt(Instant)}.
	 * @param second the current second since the epoch
	 * @param nano the current nanosecond within it
	 * @return {@code true} while the record is in force
	 */
	boolean isLiveAt(long second, int nano) {
		return second < this.expirySecond || (second == this.expirySecond && nano < expiryNano());
	}

	/**
	 * Whether the given token owns this record: as {@link IdempotencyRecord#isOwnedBy(OwnerToken)}.
	 * @param token a token
	 * @return {@code true} when the record is ongoing and held by that token
	 */
	boolean isOwnedBy(@Nullable OwnerToken token) {
		if (!isOngoing()) {
			return false;
		}
		Object payload = this.payload;
		OwnerToken owner = (payload instanceof IdempotencyRecord record) ? record.owner() : (OwnerToken) payload;
		return owner.equals(token);
	}

	/** {@return the stored response once finished, {@code null} while ongoing} */
	@Nullable StoredResponse response() {
		Object payload = this.payload;
		if (payload instanceof IdempotencyRecord record) {
			return record.response();
		}
		return (payload instanceof StoredResponse response) ? response : null;
	}

	/** {@return the estimated bytes this record holds, counted against the store's bound} */
	long footprint() {
		StoredResponse response = response();
		// recounted from the response, which cannot change, rather than kept: a slot's eight more bytes would be
		// paid on every write, the count only when a record leaves
		return (response != null) ? RecordFootprint.RECORD_OVERHEAD + RecordFootprint.of(response)
				: RecordFootprint.RECORD_OVERHEAD;
	}

	/** {@return when the record expires: the lease deadline while ongoing, the end of retention once finished} */
	Instant expiresAt() {
		return Instant.ofEpochSecond(this.expirySecond, expiryNano());
	}

	/** {@return {@link #expiresAt()}: the deadline of the claim that wrote this slot} */
	@Override
	public Instant get() {
		return expiresAt();
	}

	/**
	 * The record as {@link IdempotencyRecord}, made when first asked for and then kept.
	 * @return the record
	 */
	IdempotencyRecord record() {
		Object payload = this.payload;
		if (payload instanceof IdempotencyRecord record) {
			return record;
		}
		RecordState state = state();
		IdempotencyRecord record = (state == RecordState.ONGOING)
				? IdempotencyRecord.ongoing((OwnerToken) payload, this.fingerprint, expiresAt())
				: IdempotencyRecord.finished(state, this.fingerprint, (StoredResponse) payload, expiresAt());
		this.payload = record;
		return record;
	}

}
