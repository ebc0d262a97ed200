package io.github.idempotency.spring.health;

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
import io.github.idempotency.core.store.IdempotencyStoreException;

/**
 * A store whose every call fails as a store behind a dead connection does.
 */
final class UnreachableStore implements IdempotencyStore {

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		throw unreachable();
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		throw unreachable();
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		throw unreachable();
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		throw unreachable();
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		throw unreachable();
	}

	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		throw unreachable();
	}

	@Override
	public boolean delete(StorageKey key) {
		throw unreachable();
	}

	@Override
	public String name() {
		return "unreachable";
	}

	private IdempotencyStoreException unreachable() {
		return new IdempotencyStoreException("Connection refused: 127.0.0.1:1");
	}

}
