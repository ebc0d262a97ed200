package io.github.idempotency.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.ForwardingStore;

/**
 * An in-memory store whose operations can be made to fail, as a store does when its server is unreachable. The
 * administrative operations ({@code delete}, {@code deleteIfUnchanged}) never fail.
 */
class FaultyStore extends ForwardingStore {

	private final Set<StoreOperation> failing = ConcurrentHashMap.newKeySet();

	private volatile RuntimeException failure = new IdempotencyStoreException("connection refused");

	FaultyStore() {
		super(new InMemoryIdempotencyStore());
	}

	void fail(StoreOperation operation) {
		this.failing.add(operation);
	}

	void failWith(RuntimeException failure, StoreOperation operation) {
		this.failure = failure;
		this.failing.add(operation);
	}

	private final Map<StoreOperation, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

	void heal() {
		this.failing.clear();
		this.failuresLeft.clear();
	}

	/** Makes the next {@code times} calls of {@code operation} fail, and the later ones succeed. */
	void failNext(StoreOperation operation, int times) {
		this.failuresLeft.put(operation, new AtomicInteger(times));
	}

	private void check(StoreOperation operation) {
		if (this.failing.contains(operation)) {
			throw this.failure;
		}
		AtomicInteger left = this.failuresLeft.get(operation);
		if (left != null && left.getAndDecrement() > 0) {
			throw this.failure;
		}
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		check(StoreOperation.CLAIM);
		return super.claim(key, fingerprint, now, lease);
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		check(StoreOperation.COMPLETE);
		return super.complete(key, owner, state, response, now, retention);
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		check(StoreOperation.RELEASE);
		return super.release(key, owner, now);
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		check(StoreOperation.RENEW);
		return super.renew(key, owner, now, lease);
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		check(StoreOperation.FIND);
		return super.find(key, now);
	}

	@Override
	public String name() {
		return "faulty";
	}

}
