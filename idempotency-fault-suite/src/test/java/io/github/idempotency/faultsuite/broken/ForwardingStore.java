package io.github.idempotency.faultsuite.broken;

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
 * A store that passes every operation to another; the broken stores override the one they break.
 */
abstract class ForwardingStore implements IdempotencyStore {

	private final IdempotencyStore delegate;

	ForwardingStore(IdempotencyStore delegate) {
		this.delegate = delegate;
	}

	final IdempotencyStore delegate() {
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
