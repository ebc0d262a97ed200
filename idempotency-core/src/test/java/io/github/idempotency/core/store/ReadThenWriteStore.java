package io.github.idempotency.core.store;

import java.time.Duration;
import java.time.Instant;
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
import io.github.idempotency.core.state.IdempotencyStateMachine.Transition;

/**
 * A deliberately broken store, for tests only: it applies the right transitions but reads in one step and writes in
 * another, the check-then-act that the SPI forbids. Used to prove that the race tests can catch such a store.
 */
final class ReadThenWriteStore implements IdempotencyStore {

	private final ConcurrentHashMap<StorageKey, IdempotencyRecord> records = new ConcurrentHashMap<>();

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		OwnerToken candidate = OwnerToken.random();
		return readThenWrite(key, IdempotencyStateMachine.claim(this.records.get(key), fingerprint, candidate, now,
				lease));
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		return readThenWrite(key,
				IdempotencyStateMachine.complete(this.records.get(key), owner, state, response, now, retention));
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		return readThenWrite(key, IdempotencyStateMachine.release(this.records.get(key), owner, now));
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		return readThenWrite(key, IdempotencyStateMachine.renew(this.records.get(key), owner, now, lease));
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		return Optional.ofNullable(IdempotencyStateMachine.inForce(this.records.get(key), now));
	}

	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		return readThenWrite(key, IdempotencyStateMachine.deleteIfUnchanged(this.records.get(key), seen, now));
	}

	@Override
	public boolean delete(StorageKey key) {
		return this.records.remove(key) != null;
	}

	private <R> R readThenWrite(StorageKey key, Transition<R> transition) {
		// the gap between the read (the argument) and the write: another thread's operation fits in here
		Thread.yield();
		if (transition.next() == null) {
			this.records.remove(key);
		}
		else {
			this.records.put(key, transition.next());
		}
		return transition.result();
	}

}
