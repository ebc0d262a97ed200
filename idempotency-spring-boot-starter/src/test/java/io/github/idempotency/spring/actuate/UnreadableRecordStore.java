package io.github.idempotency.spring.actuate;

import java.time.Instant;
import java.util.Optional;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.ForwardingStore;

/**
 * The in-memory store, except that one key holds a record that cannot be decoded (as a Redis value or a table row
 * written by hand would): reads and fenced deletes of that key fail, a forced delete removes it.
 */
final class UnreadableRecordStore extends ForwardingStore {

	static final StorageKey UNREADABLE = new StorageKey("c".repeat(64));

	private volatile boolean corrupt = true;

	UnreadableRecordStore() {
		super(new InMemoryIdempotencyStore());
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		if (this.corrupt && key.equals(UNREADABLE)) {
			throw new CorruptRecordException("unreadable on purpose");
		}
		return super.find(key, now);
	}

	@Override
	public boolean delete(StorageKey key) {
		if (this.corrupt && key.equals(UNREADABLE)) {
			this.corrupt = false;
			return true;
		}
		return super.delete(key);
	}

}
