package io.github.idempotency.core.testing;

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
import io.github.idempotency.core.store.IdempotencyStore;

/**
 * A store that passes every operation to another. It exists for test stores that break or change one or two
 * operations of a working store (a damaged record, a missing fence, a store that goes down): they override those
 * and inherit the rest, so that each says only what it does differently.
 */
public abstract class ForwardingStore implements IdempotencyStore {

	private final IdempotencyStore delegate;

	/**
	 * A store that forwards to the given one.
	 * @param delegate the store that does the work
	 */
	protected ForwardingStore(IdempotencyStore delegate) {
		this.delegate = delegate;
	}

	/**
	 * The store that does the work.
	 * @return the store given at construction
	 */
	protected final IdempotencyStore delegate() {
		return this.delegate;
	}

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
		return this.delegate.find(key, now);
	}

	@Override
	public boolean delete(StorageKey key) {
		return this.delegate.delete(key);
	}

	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		return this.delegate.deleteIfUnchanged(key, seen, now);
	}

	@Override
	public String name() {
		return this.delegate.name();
	}

}
