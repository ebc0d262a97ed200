package io.github.idempotency.spring.actuate;

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
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;

/**
 * The in-memory store, except that one key holds a record that cannot be decoded (as a Redis value or a table row
 * written by hand would): reads and fenced deletes of that key fail, a forced delete removes it.
 */
final class UnreadableRecordStore implements IdempotencyStore {

	static final StorageKey UNREADABLE = new StorageKey("c".repeat(64));

	private final InMemoryIdempotencyStore delegate = new InMemoryIdempotencyStore();

	private volatile boolean corrupt = true;

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		return this.delegate.claim(key, fingerprint, now, lease);
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		return this.delegate.complete(key, owner, state, response, now, retention);
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		return this.delegate.release(key, owner, now);
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		return this.delegate.renew(key, owner, now, lease);
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		if (this.corrupt && key.equals(UNREADABLE)) {
			throw new CorruptRecordException("unreadable on purpose");
		}
		return this.delegate.find(key, now);
	}

	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		return this.delegate.deleteIfUnchanged(key, seen, now);
	}

	@Override
	public boolean delete(StorageKey key) {
		if (this.corrupt && key.equals(UNREADABLE)) {
			this.corrupt = false;
			return true;
		}
		return this.delegate.delete(key);
	}

}
