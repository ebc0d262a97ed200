package io.github.idempotency.core.store;

import java.util.concurrent.ConcurrentHashMap;

import io.github.idempotency.core.StorageKey;
import org.jspecify.annotations.Nullable;

/**
 * The records of the in-memory store: a map of slots, written per key by compare-and-set, and the buckets that group
 * the same slots by the second they expire in, kept in step with each other and with the {@link StoreCapacity} on
 * every write. A write allocates its new slot and, for a new key, the map's node: nothing else of its own.
 */
final class SlotTable {

	/** What {@link #write} answers when another write to the key came first. */
	static final String RACED = "another write to the key came first";

	private final ConcurrentHashMap<StorageKey, StoredSlot> records = new ConcurrentHashMap<>();

	private final ExpiryBuckets expiry = new ExpiryBuckets();

	private final StoreCapacity capacity;

	SlotTable(StoreCapacity capacity) {
		this.capacity = capacity;
	}

	/**
	 * The slot held for a key, expired or not: what a write reads, decides on, and then replaces only if it is still
	 * there.
	 * @param key the key
	 * @return the slot, or {@code null} when none is held
	 */
	@Nullable StoredSlot slot(StorageKey key) {
		return this.records.get(key);
	}

	/**
	 * Writes the slot that follows a slot read before, if that slot is still the one held: a compare-and-set of the
	 * key's slot, so that the transition decided on what was read is atomic. Only a claim turns no record into one.
	 * @param key the key
	 * @param held the slot read, or {@code null} when none was held
	 * @param next the slot to hold next, or {@code null} for none
	 * @return {@code null} once written, {@link #RACED} when another write came first (read again and decide again),
	 * or why a new record does not fit
	 */
	@Nullable String write(StorageKey key, @Nullable StoredSlot held, @Nullable StoredSlot next) {
		if (next == null) {
			if (held == null) {
				return null;
			}
			if (!this.records.remove(key, held)) {
				return RACED;
			}
			forget(held);
			return null;
		}
		long footprint = next.footprint();
		if (held == null) {
			String refusal = this.capacity.admit(footprint);
			if (refusal != null) {
				return refusal;
			}
			if (this.records.putIfAbsent(key, next) != null) {
				this.capacity.account(-1, -footprint);
				return RACED;
			}
		}
		else {
			if (!this.records.replace(key, held, next)) {
				return RACED;
			}
			this.expiry.remove(held);
			this.capacity.account(0, footprint - held.footprint());
		}
		// linked once published: a slot linked before could be taken as expired while not yet in the map, and then
		// never be. One replaced before it is linked is linked all the same, and found stale when it expires.
		this.expiry.add(next);
		return null;
	}

	boolean delete(StorageKey key) {
		StoredSlot slot = this.records.remove(key);
		if (slot == null) {
			return false;
		}
		forget(slot);
		return true;
	}

	/**
	 * Removes expired records from the earliest expiry bucket on.
	 * @param nowSecond the current second since the epoch
	 * @param nowNano the current nanosecond within it
	 * @param most how many to remove at most
	 * @return how many were removed
	 */
	int removeExpired(long nowSecond, int nowNano, int most) {
		int removed = 0;
		while (removed < most) {
			StoredSlot expired = this.expiry.pollExpired(nowSecond, nowNano);
			if (expired == null) {
				break;
			}
			// a write may have replaced the slot since it was polled: then the replacement stays
			if (this.records.remove(expired.key, expired)) {
				this.capacity.account(-1, -expired.footprint());
				removed++;
			}
		}
		return removed;
	}

	long expiryLooks() {
		return this.expiry.examined();
	}

	long expiryBucketsMade() {
		return this.expiry.bucketsMade();
	}

	/** Whether a record is held for a key, expired or not, read without a lock. */
	boolean holds(StorageKey key) {
		return this.records.containsKey(key);
	}

	private void forget(StoredSlot slot) {
		this.expiry.remove(slot);
		this.capacity.account(-1, -slot.footprint());
	}

}
