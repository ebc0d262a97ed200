package io.github.idempotency.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

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
 * Decorates the application's store for the executor: times every call, reports it to the listener with its
 * result, and turns whatever else a store throws into an {@link IdempotencyStoreException}, so that the executor
 * handles one failure type.
 */
final class ObservedStore implements IdempotencyStore {

	private final IdempotencyStore delegate;

	private final String name;

	private final IdempotencyListener listener;

	ObservedStore(IdempotencyStore delegate, IdempotencyListener listener) {
		this.delegate = delegate;
		this.name = delegate.name();
		this.listener = listener;
	}

	IdempotencyStore delegate() {
		return this.delegate;
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		return timed(StoreOperation.CLAIM, () -> this.delegate.claim(key, fingerprint, now, lease));
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
			Instant now, Duration retention) {
		return timed(StoreOperation.COMPLETE,
				() -> this.delegate.complete(key, owner, state, response, now, retention));
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		return timed(StoreOperation.RELEASE, () -> this.delegate.release(key, owner, now));
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		return timed(StoreOperation.RENEW, () -> this.delegate.renew(key, owner, now, lease));
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		return timed(StoreOperation.FIND, () -> this.delegate.find(key, now));
	}

	/** Administrative, like {@link #delete}: passed through, neither timed nor reported. */
	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		return this.delegate.deleteIfUnchanged(key, seen, now);
	}

	/** An administrative operation that executions never use: passed through, neither timed nor reported. */
	@Override
	public boolean delete(StorageKey key) {
		return this.delegate.delete(key);
	}

	@Override
	public String name() {
		return this.name;
	}

	private <R> R timed(StoreOperation operation, Supplier<R> call) {
		long start = System.nanoTime();
		StoreOperationResult result = StoreOperationResult.ERROR;
		try {
			R value = call.get();
			result = Boolean.FALSE.equals(value) ? StoreOperationResult.FENCED : StoreOperationResult.SUCCESS;
			return value;
		}
		catch (IdempotencyStoreException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// a store that leaks its client's exceptions is still a failing store
			throw new IdempotencyStoreException("Idempotency store " + this.name + " failed to "
					+ operation.tagValue(), ex);
		}
		finally {
			this.listener.onStoreOperation(this.name, operation, result, Duration.ofNanos(System.nanoTime() - start));
		}
	}

}
