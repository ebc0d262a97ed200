package io.github.idempotency.core.store;

import java.lang.System.Logger;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.state.IdempotencyStateMachine;
import org.jspecify.annotations.Nullable;

/**
 * Records in this JVM's heap. Each operation is atomic per key: it reads the key's record, decides as the state
 * machine's transition ({@link IdempotencyStateMachine}), and writes the result only if the record is still the one
 * read ({@link ConcurrentHashMap#replace(Object, Object, Object)} and its kin), else reads again. Expiry follows the
 * {@code now} the caller passes. Records are kept in a form of the store's own, their expiry as numbers, and made
 * into {@link IdempotencyRecord}s only when read: a first request, which writes two records and reads neither, makes
 * no instant for them.
 * <p>
 * <strong>It protects one JVM only</strong>: two instances of a service each have their own records, and a restart
 * forgets them all. Use the Redis or JPA store when a service runs more than one instance.
 * <h2>Capacity</h2>
 * The store is bounded by a number of records ({@link Builder#maxRecords}) and by an estimate of the heap they hold
 * ({@link Builder#maxBytes}). A record counts {@value #RECORD_OVERHEAD_BYTES} bytes for the objects every record has
 * (key, fingerprint, owner or expiry, map entry and expiry links), plus, once finished, its stored response: the body
 * bytes, the characters of the header names and values, and a few dozen bytes per response, header and value for
 * the objects around them. {@link #size()} and {@link #bytesHeld()} report what is held.
 * <p>
 * A claim of a new key that would go past either bound fails at once with {@link IdempotencyStoreFullException}
 * (callers answer 503 or run unprotected, as configured): records in force are never evicted, since forgetting one
 * would let a duplicate run again. Duplicates of keys already held are still answered, and expired leases are still
 * taken over. A completion is never refused, since its execution already happened: the bytes held may therefore go
 * past {@code maxBytes} by the responses of the executions in flight when the bound was reached, and no new key is
 * accepted until they fall below it again. Refusals are logged as one warning a minute at most, with their number.
 * <h2>Expiry</h2>
 * Next to the map, records are grouped by the second they expire in, each second's records in the order they were
 * written. Every claim removes up to {@value #EXPIRED_REMOVED_PER_CLAIM} expired records from the earliest second on,
 * and a claim of a new key that finds the store full removes up to {@value #EXPIRED_REMOVED_WHEN_FULL} before it gives
 * up, so expired records never pile up and no operation scans the store: a full store of records in force refuses a
 * new key after one look at its earliest second, before it makes anything for the claim. A write costs O(1) whatever
 * the number of records, and allocates nothing for its expiry but, once per second it expires in, a group for it. A
 * record may be removed up to a second after it expired (when one written before it in its second expires later),
 * never before. An expired lease that is still held is taken over ({@link ClaimResult.Claimed#tookOver()}); one
 * already removed is claimed as a new key.
 * <p>
 * The records and their expiry are a {@link SlotTable}; the bounds and what is held against them, a
 * {@link StoreCapacity}.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

	/** Default bound on the number of records. */
	public static final int DEFAULT_MAX_RECORDS = 100_000;

	/** Default bound on the estimated bytes held: 128 MiB. */
	public static final long DEFAULT_MAX_BYTES = 128L * 1024 * 1024;

	/** The estimated bytes of a record before its stored response is counted. */
	public static final long RECORD_OVERHEAD_BYTES = RecordFootprint.RECORD_OVERHEAD;

	/** How many expired records each claim removes at most: more than the one it may add, so none pile up. */
	static final int EXPIRED_REMOVED_PER_CLAIM = 2;

	/** How many expired records a claim that finds the store full removes at most, to make room. */
	static final int EXPIRED_REMOVED_WHEN_FULL = 16;

	private static final long MILLIS_PER_SECOND = 1_000;

	private static final int NANOS_PER_MILLI = 1_000_000;

	private static final int NANOS_PER_SECOND = 1_000_000_000;

	private static final long MIN_SECOND = Instant.MIN.getEpochSecond();

	private static final long MAX_SECOND = Instant.MAX.getEpochSecond();

	private final StoreCapacity capacity;

	private final SlotTable slots;

	/** A store with the default bounds: {@value #DEFAULT_MAX_RECORDS} records, 128 MiB. */
	public InMemoryIdempotencyStore() {
		this(builder());
	}

	/**
	 * A store bounded at {@code maxRecords} records and the default bytes.
	 * @param maxRecords the most records kept at once, at least 1
	 */
	public InMemoryIdempotencyStore(int maxRecords) {
		this(builder().maxRecords(maxRecords));
	}

	private InMemoryIdempotencyStore(Builder builder) {
		this.capacity = new StoreCapacity(builder.maxRecords, builder.maxBytes, builder.logger);
		this.slots = new SlotTable(this.capacity);
	}

	/**
	 * Starts a store with bounds other than the defaults.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		return claim(key, fingerprint, now.getEpochSecond(), now.getNano(), lease);
	}

	/**
	 * As {@link #claim(StorageKey, RequestFingerprint, Instant, Duration)} at {@link Instant#ofEpochMilli(long)} of
	 * {@code nowEpochMillis}, without making that instant: the executor's claim.
	 */
	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease) {
		return claim(key, fingerprint, Math.floorDiv(nowEpochMillis, MILLIS_PER_SECOND),
				(int) Math.floorMod(nowEpochMillis, MILLIS_PER_SECOND) * NANOS_PER_MILLI, lease);
	}

	// the state machine's claim (IdempotencyStateMachine#claim), decided on the slot and written as one
	private ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long second, int nano, Duration lease) {
		requirePositive(lease, "lease");
		Objects.requireNonNull(fingerprint, "fingerprint");
		OwnerToken candidate = null;
		boolean roomMade = false;
		while (true) {
			StoredSlot held = this.slots.slot(key);
			String refusal = (held != null) ? null : this.capacity.refusalOfNewRecord();
			if (refusal == null) {
				if (held != null && held.isLiveAt(second, nano)) {
					// a duplicate is answered without a token, and writes nothing
					this.slots.removeExpired(second, nano, EXPIRED_REMOVED_PER_CLAIM);
					return new ClaimResult.Existing(held.record());
				}
				if (candidate == null) {
					candidate = OwnerToken.random();
				}
				StoredSlot claimed = StoredSlot.ongoing(key, candidate, fingerprint, secondAfter(second, nano, lease),
						nanoAfter(nano, lease));
				refusal = this.slots.write(key, held, claimed);
				if (refusal == null) {
					this.slots.removeExpired(second, nano, EXPIRED_REMOVED_PER_CLAIM);
					// the deadline is made into an instant only if asked for: the executor never does
					return ClaimResult.Claimed.withDeadlineFrom(candidate, claimed,
							held != null && held.isOngoing());
				}
			}
			if (refusal != SlotTable.RACED) {
				// full, and the key is new: refused before anything is made for it, unless expired records make room
				if (roomMade || this.slots.removeExpired(second, nano, EXPIRED_REMOVED_WHEN_FULL) == 0) {
					this.capacity.refused(epochMillis(second, nano), refusal);
					throw new IdempotencyStoreFullException(refusal);
				}
				roomMade = true;
			}
		}
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		return complete(key, owner, state, response, now.getEpochSecond(), now.getNano(), retention);
	}

	/**
	 * As {@link #complete(StorageKey, OwnerToken, RecordState, StoredResponse, Instant, Duration)} at
	 * {@link Instant#ofEpochMilli(long)} of {@code nowEpochMillis}, without making that instant: the executor's
	 * completion.
	 */
	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
			long nowEpochMillis, Duration retention) {
		return complete(key, owner, state, response, Math.floorDiv(nowEpochMillis, MILLIS_PER_SECOND),
				(int) Math.floorMod(nowEpochMillis, MILLIS_PER_SECOND) * NANOS_PER_MILLI, retention);
	}

	// the state machine's completion (IdempotencyStateMachine#complete): fenced unless the owner holds a lease in force
	private boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, long second,
			int nano, Duration retention) {
		if (!state.isFinished()) {
			throw new IllegalArgumentException("A completion finishes the record, not " + state);
		}
		Objects.requireNonNull(response, "response");
		requirePositive(retention, "retention");
		while (true) {
			StoredSlot held = this.slots.slot(key);
			if (!isHeldBy(held, owner, second, nano)) {
				return false;
			}
			StoredSlot finished = StoredSlot.finished(key, state, held.fingerprint, response,
					secondAfter(second, nano, retention), nanoAfter(nano, retention));
			if (this.slots.write(key, held, finished) == null) {
				return true;
			}
		}
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		while (true) {
			StoredSlot held = this.slots.slot(key);
			if (!isHeldBy(held, owner, now.getEpochSecond(), now.getNano())) {
				return false;
			}
			if (this.slots.write(key, held, null) == null) {
				return true;
			}
		}
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		requirePositive(lease, "lease");
		long second = now.getEpochSecond();
		int nano = now.getNano();
		while (true) {
			StoredSlot held = this.slots.slot(key);
			if (!isHeldBy(held, owner, second, nano)) {
				return false;
			}
			StoredSlot renewed = StoredSlot.ongoing(key, owner, held.fingerprint, secondAfter(second, nano, lease),
					nanoAfter(nano, lease));
			if (this.slots.write(key, held, renewed) == null) {
				return true;
			}
		}
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		StoredSlot held = this.slots.slot(key);
		return (held != null && held.isLiveAt(now.getEpochSecond(), now.getNano())) ? Optional.of(held.record())
				: Optional.empty();
	}

	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		Objects.requireNonNull(seen, "seen");
		while (true) {
			StoredSlot held = this.slots.slot(key);
			if (held == null || !held.isLiveAt(now.getEpochSecond(), now.getNano())
					|| !IdempotencyStateMachine.isSameRecord(held.record(), seen)) {
				return false;
			}
			if (this.slots.write(key, held, null) == null) {
				return true;
			}
		}
	}

	@Override
	public boolean delete(StorageKey key) {
		return this.slots.delete(key);
	}

	// what every fenced write checks: an ongoing record in force, held by the owner. A write that finds otherwise
	// changes nothing, so it is not read again; one that finds it writes only if the slot is still the one read
	private static boolean isHeldBy(@Nullable StoredSlot held, @Nullable OwnerToken owner, long second, int nano) {
		return held != null && held.isLiveAt(second, nano) && held.isOwnedBy(owner);
	}

	/** The second of {@code Instant.ofEpochSecond(second, nano).plus(duration)}, without making either instant. */
	private static long secondAfter(long second, int nano, Duration duration) {
		long after = Math.addExact(second, duration.getSeconds());
		if (nano + duration.getNano() >= NANOS_PER_SECOND) {
			after = Math.addExact(after, 1);
		}
		if (after < MIN_SECOND || after > MAX_SECOND) {
			// as Instant.plus fails
			throw new DateTimeException("Instant exceeds minimum or maximum instant");
		}
		return after;
	}

	/** The nanosecond of {@code Instant.ofEpochSecond(second, nano).plus(duration)}. */
	private static int nanoAfter(int nano, Duration duration) {
		int after = nano + duration.getNano();
		return (after >= NANOS_PER_SECOND) ? after - NANOS_PER_SECOND : after;
	}

	private static long epochMillis(long second, int nano) {
		return Math.addExact(Math.multiplyExact(second, MILLIS_PER_SECOND), nano / NANOS_PER_MILLI);
	}

	private static void requirePositive(@Nullable Duration duration, String name) {
		// as the state machine answers it
		if (duration == null || duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}

	@Override
	public String name() {
		return "memory";
	}

	/**
	 * Removes the records that expired before {@code now}, except those that wait in their second behind one still in
	 * force (see the class description). Claims already remove expired records a few at a time; this is for callers
	 * that want the memory back at once, off the request path. It visits only expired records.
	 * @param now the current instant
	 * @return how many records were removed
	 */
	public int purgeExpired(Instant now) {
		return this.slots.removeExpired(now.getEpochSecond(), now.getNano(), Integer.MAX_VALUE);
	}

	/**
	 * The number of records held, expired ones included until they are removed or overwritten.
	 * @return the number of records
	 */
	public int size() {
		return this.capacity.size();
	}

	/**
	 * The estimated bytes of the records held, expired ones included until they are removed or overwritten (see
	 * the class description for how a record is counted).
	 * @return the estimated bytes
	 */
	public long bytesHeld() {
		return this.capacity.bytes();
	}

	/**
	 * The bound on the number of records.
	 * @return the most records held at once
	 */
	public int maxRecords() {
		return this.capacity.maxRecords();
	}

	/**
	 * The bound on the estimated bytes held, checked when a new key is claimed.
	 * @return the most bytes a claim may bring the store to
	 */
	public long maxBytes() {
		return this.capacity.maxBytes();
	}

	/**
	 * The claims of new keys refused because the store was full, since it was created.
	 * @return the number of refusals
	 */
	public long refusedClaims() {
		return this.capacity.refusedClaims();
	}

	/**
	 * How many times the earliest second of the expiry was looked at: the only way this store looks for expired
	 * records.
	 * @return the number of looks since the store was created
	 */
	long expiryLooks() {
		return this.slots.expiryLooks();
	}

	/**
	 * How many groups of records expiring in the same second were made.
	 * @return the number made since the store was created
	 */
	long expiryBucketsMade() {
		return this.slots.expiryBucketsMade();
	}

	/**
	 * Bounds of an {@link InMemoryIdempotencyStore} other than the defaults.
	 */
	public static final class Builder {

		private int maxRecords = DEFAULT_MAX_RECORDS;

		private long maxBytes = DEFAULT_MAX_BYTES;

		private Logger logger = System.getLogger(InMemoryIdempotencyStore.class.getName());

		private Builder() {
		}

		/**
		 * Bounds the number of records.
		 * @param maxRecords the most records kept at once, at least 1 ({@value #DEFAULT_MAX_RECORDS} by default)
		 * @return this builder
		 */
		public Builder maxRecords(int maxRecords) {
			if (maxRecords < 1) {
				throw new IllegalArgumentException("maxRecords must be at least 1, was " + maxRecords);
			}
			this.maxRecords = maxRecords;
			return this;
		}

		/**
		 * Bounds the estimated bytes of the records held (see the store's description for how they are counted).
		 * @param maxBytes the most bytes a claim may bring the store to, at least one record's
		 * {@value InMemoryIdempotencyStore#RECORD_OVERHEAD_BYTES} (128 MiB by default)
		 * @return this builder
		 */
		public Builder maxBytes(long maxBytes) {
			if (maxBytes < RECORD_OVERHEAD_BYTES) {
				throw new IllegalArgumentException("maxBytes must be at least " + RECORD_OVERHEAD_BYTES
						+ " (one record without a response), was " + maxBytes);
			}
			this.maxBytes = maxBytes;
			return this;
		}

		/** Where refusals are reported; the tests of this package read what is written. */
		Builder logger(Logger logger) {
			this.logger = Objects.requireNonNull(logger, "logger");
			return this;
		}

		/**
		 * Creates the store.
		 * @return an empty store with these bounds
		 */
		public InMemoryIdempotencyStore build() {
			return new InMemoryIdempotencyStore(this);
		}

	}

}
