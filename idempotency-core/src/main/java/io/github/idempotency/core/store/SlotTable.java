package io.github.idempotency.core.store;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.state.IdempotencyStateMachine.Transition;
import org.jspecify.annotations.Nullable;

/**
 * The records of the in-memory store: a map of slots, atomic per key, and the buckets that group the same slots by
 * the second they expire in, kept in step with each other and with the {@link StoreCapacity} on every write.
 */
final class SlotTable {

	private final ConcurrentHashMap<StorageKey, StoredSlot> records = new ConcurrentHashMap<>();

	private final ExpiryBuckets expiry = new ExpiryBuckets();

	private final StoreCapacity capacity;

	SlotTable(StoreCapacity capacity) {
		this.capacity = capacity;
	}

	/**
	 * Applies an update to a key's record, atomically.
	 * @param <R> the update's result
	 * @param key the key
	 * @param update the update, holding its result or its refusal afterwards
	 * @return the update
	 */
	<R> SlotUpdate<R> update(StorageKey key, SlotUpdate<R> update) {
		update.startOn(this);
		this.records.compute(key, update);
		return update;
	}

	/** The record held for a key, expired or not. */
	@Nullable IdempotencyRecord get(StorageKey key) {
		StoredSlot slot = this.records.get(key);
		return (slot != null) ? slot.record : null;
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
	 * @param now the current instant
	 * @param most how many to remove at most
	 * @return how many were removed
	 */
	int removeExpired(Instant now, int most) {
		int removed = 0;
		while (removed < most) {
			StoredSlot expired = this.expiry.pollExpired(now);
			if (expired == null) {
				break;
			}
			// a write may have replaced the slot since it was polled: then the replacement stays
			if (this.records.remove(expired.key, expired)) {
				this.capacity.account(-1, -expired.footprint);
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

	/** The body of {@link SlotUpdate#apply}: runs inside {@code compute}, under the key's lock. */
	<R> @Nullable StoredSlot next(StorageKey key, @Nullable StoredSlot slot, SlotUpdate<R> update) {
		IdempotencyRecord current = (slot != null) ? slot.record : null;
		Transition<R> step = update.transition(current);
		IdempotencyRecord next = step.next();
		if (next == current) {
			update.applied(step.result());
			return slot;
		}
		if (next == null) {
			forget(slot);
			update.applied(step.result());
			return null;
		}
		long footprint = RecordFootprint.of(next);
		if (slot == null) {
			// only a claim turns no record into one
			String refusal = this.capacity.admit(footprint);
			if (refusal != null) {
				update.refused(refusal);
				return null;
			}
		}
		else {
			this.expiry.remove(slot);
			this.capacity.account(0, footprint - slot.footprint);
		}
		StoredSlot replacement = new StoredSlot(key, next, footprint);
		this.expiry.add(replacement);
		update.applied(step.result());
		return replacement;
	}

	private void forget(StoredSlot slot) {
		this.expiry.remove(slot);
		this.capacity.account(-1, -slot.footprint);
	}

}
