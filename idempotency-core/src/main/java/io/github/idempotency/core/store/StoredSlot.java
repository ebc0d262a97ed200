package io.github.idempotency.core.store;

import java.util.Comparator;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.StorageKey;

/**
 * One record of the in-memory store as held in its map and, at the same time, as the entry of its expiry queue. A
 * write replaces the slot, never changes it, so the map and the queue can tell by identity whether an entry is still
 * current.
 */
final class StoredSlot {

	/** Earliest expiry first; the sequence number orders slots that expire at the same instant. */
	static final Comparator<StoredSlot> BY_EXPIRY = Comparator.<StoredSlot, java.time.Instant>comparing(
			(slot) -> slot.record.expiresAt())
		.thenComparingLong((slot) -> slot.sequence);

	final StorageKey key;

	final IdempotencyRecord record;

	final long footprint;

	final long sequence;

	StoredSlot(StorageKey key, IdempotencyRecord record, long footprint, long sequence) {
		this.key = key;
		this.record = record;
		this.footprint = footprint;
		this.sequence = sequence;
	}

}
