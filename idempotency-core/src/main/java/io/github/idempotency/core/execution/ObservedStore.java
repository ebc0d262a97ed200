package io.github.idempotency.core.execution;

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
 * Decorates the application's store for the executor: times every call, reports it to the listener with its
 * result, and turns whatever else a store throws into an {@link IdempotencyStoreException}, so that the executor
 * handles one failure type.
 */
final class ObservedStore implements IdempotencyStore {

	private final IdempotencyStore delegate;

	private final String name;

	private final IdempotencyListener listener;

	/**
	 * Whether a listener hears of store calls. Without one, a call is not timed: two reads of
	 * {@link System#nanoTime()} are a good part of what the executor adds to a memory store's call.
	 */
	private final boolean timed;

	ObservedStore(IdempotencyStore delegate, IdempotencyListener listener) {
		this.delegate = delegate;
		this.name = delegate.name();
		this.listener = listener;
		this.timed = !(listener instanceof CompositeIdempotencyListener composite) || !composite.isEmpty();
	}

	IdempotencyStore delegate() {
		return this.delegate;
	}

	// each call written out rather than passed as a lambda: this runs twice per request and must not allocate

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		long start = start();
		try {
			ClaimResult result = this.delegate.claim(key, fingerprint, now, lease);
			report(StoreOperation.CLAIM, StoreOperationResult.SUCCESS, start);
			return result;
		}
		catch (RuntimeException | Error ex) {
			throw failed(StoreOperation.CLAIM, ex, start);
		}
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease) {
		long start = start();
		try {
			ClaimResult result = this.delegate.claim(key, fingerprint, nowEpochMillis, lease);
			report(StoreOperation.CLAIM, StoreOperationResult.SUCCESS, start);
			return result;
		}
		catch (RuntimeException | Error ex) {
			throw failed(StoreOperation.CLAIM, ex, start);
		}
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease,
			Duration retention) {
		return claim(key, fingerprint, nowEpochMillis, lease, retention, start());
	}

	/**
	 * {@link #claim(StorageKey, RequestFingerprint, long, Duration, Duration)} timed from {@code start}: the executor
	 * reads the time before a claim anyway, to know when the lease it gets needs its first renewal.
	 * @param start {@link System#nanoTime()} read just before the call
	 */
	ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease,
			Duration retention, long start) {
		try {
			ClaimResult result = this.delegate.claim(key, fingerprint, nowEpochMillis, lease, retention);
			report(StoreOperation.CLAIM, StoreOperationResult.SUCCESS, start);
			return result;
		}
		catch (RuntimeException | Error ex) {
			throw failed(StoreOperation.CLAIM, ex, start);
		}
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
			Instant now, Duration retention) {
		long start = start();
		try {
			return written(StoreOperation.COMPLETE,
					this.delegate.complete(key, owner, state, response, now, retention), start);
		}
		catch (RuntimeException | Error ex) {
			throw failed(StoreOperation.COMPLETE, ex, start);
		}
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
			long nowEpochMillis, Duration retention) {
		return complete(key, owner, state, response, nowEpochMillis, retention, start());
	}

	/**
	 * {@link #complete(StorageKey, OwnerToken, RecordState, StoredResponse, long, Duration)} timed from
	 * {@code start}: the completion reads the time before its first attempt anyway, to bound its retries.
	 * @param start {@link System#nanoTime()} read just before the call
	 */
	boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
			long nowEpochMillis, Duration retention, long start) {
		try {
			return written(StoreOperation.COMPLETE,
					this.delegate.complete(key, owner, state, response, nowEpochMillis, retention), start);
		}
		catch (RuntimeException | Error ex) {
			throw failed(StoreOperation.COMPLETE, ex, start);
		}
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		long start = start();
		try {
			return written(StoreOperation.RELEASE, this.delegate.release(key, owner, now), start);
		}
		catch (RuntimeException | Error ex) {
			throw failed(StoreOperation.RELEASE, ex, start);
		}
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		long start = start();
		try {
			return written(StoreOperation.RENEW, this.delegate.renew(key, owner, now, lease), start);
		}
		catch (RuntimeException | Error ex) {
			throw failed(StoreOperation.RENEW, ex, start);
		}
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		long start = start();
		try {
			Optional<IdempotencyRecord> record = this.delegate.find(key, now);
			report(StoreOperation.FIND, StoreOperationResult.SUCCESS, start);
			return record;
		}
		catch (RuntimeException | Error ex) {
			throw failed(StoreOperation.FIND, ex, start);
		}
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

	/** Reports a write: refused (fenced) when the store answered {@code false}. */
	private boolean written(StoreOperation operation, boolean written, long start) {
		report(operation, written ? StoreOperationResult.SUCCESS : StoreOperationResult.FENCED, start);
		return written;
	}

	/**
	 * Reports a failed call; an {@link Error} is thrown as it is.
	 * @return the exception to throw: any store failure as an {@link IdempotencyStoreException}
	 */
	private IdempotencyStoreException failed(StoreOperation operation, Throwable ex, long start) {
		report(operation, StoreOperationResult.ERROR, start);
		if (ex instanceof Error error) {
			throw error;
		}
		if (ex instanceof IdempotencyStoreException storeException) {
			return storeException;
		}
		// a store that leaks its client's exceptions is still a failing store
		return new IdempotencyStoreException("Idempotency store " + this.name + " failed to " + operation.tagValue(),
				ex);
	}

	/** {@return when a call starts, for its timing: 0 when no listener hears of it} */
	private long start() {
		return this.timed ? System.nanoTime() : 0;
	}

	private void report(StoreOperation operation, StoreOperationResult result, long start) {
		if (this.timed) {
			this.listener.onStoreOperation(this.name, operation, result, Duration.ofNanos(System.nanoTime() - start));
		}
	}

}
