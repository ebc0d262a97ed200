package io.github.idempotency.core.store;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.StorageKey;
import org.jspecify.annotations.Nullable;

/**
 * One record of the in-memory store as held in its map and, at the same time, as a link of its {@link ExpiryBucket}.
 * A write replaces the slot, never changes its record, so the map and the buckets can tell by identity whether a slot
 * is still current.
 */
final class StoredSlot {

	final StorageKey key;

	final IdempotencyRecord record;

	final long footprint;

	// the links: written and read under the monitor of the bucket the slot is in, null when in none
	@Nullable ExpiryBucket bucket;

	@Nullable StoredSlot previous;

	@Nullable StoredSlot next;

	StoredSlot(StorageKey key, IdempotencyRecord record, long footprint) {
		this.key = key;
		this.record = record;
		this.footprint = footprint;
	}

	/** {@return the second the record expires in, since the epoch: the bucket it belongs to} */
	long expirySecond() {
		return this.record.expiresAt().getEpochSecond();
	}

}
