package io.github.idempotency.core.execution;

import java.time.Duration;

/**
 * Receives what the executor does, for metrics and logs. Every method has a no-op default; implementations must be
 * fast and must not throw, since they run on the request path.
 * <p>
 * {@code endpoint} is the bounded name of the protected operation (an annotation's name or a route template),
 * never a key or a user.
 */
public interface IdempotencyListener {

	/** A listener that does nothing. */
	IdempotencyListener NONE = new IdempotencyListener() {
	};

	/**
	 * A protected request ended.
	 * @param endpoint the endpoint's name
	 * @param outcome how it ended
	 */
	default void onOutcome(String endpoint, RequestOutcome outcome) {
	}

	/**
	 * The executor called the store.
	 * @param store the store's name
	 * @param operation the operation
	 * @param result how it ended
	 * @param elapsed how long it took
	 */
	default void onStoreOperation(String store, StoreOperation operation, StoreOperationResult result,
			Duration elapsed) {
	}

	/**
	 * An execution's write was refused because it no longer owned its record (its lease ran out and was taken over
	 * or expired). The execution's result was not stored; a duplicate may run or have run.
	 * @param endpoint the endpoint's name
	 * @param operation the refused operation ({@link StoreOperation#COMPLETE}, {@link StoreOperation#RELEASE} or
	 * {@link StoreOperation#RENEW})
	 */
	default void onFencedWrite(String endpoint, StoreOperation operation) {
	}

	/**
	 * A response was stored.
	 * @param endpoint the endpoint's name
	 * @param bytes its body size in bytes
	 */
	default void onResponseStored(String endpoint, int bytes) {
	}

	/**
	 * A final write (a completion or a release) failed with a store error and is tried again after a pause; the
	 * lease is renewed meanwhile, so duplicates are told "in progress".
	 * @param endpoint the endpoint's name
	 * @param operation {@link StoreOperation#COMPLETE} or {@link StoreOperation#RELEASE}
	 */
	default void onWriteRetried(String endpoint, StoreOperation operation) {
	}

	/**
	 * A final write (a completion or a release) failed for good: every attempt while the lease lasted failed. The
	 * record stays as it was until its lease runs out. Also, with {@link StoreOperation#RENEW}, a running execution
	 * whose lease can no longer be renewed because the scheduler passed to the executor's builder was shut down (or
	 * refused a task): it is reported lost, and its key can be taken over once its lease runs out.
	 * @param endpoint the endpoint's name
	 * @param operation {@link StoreOperation#COMPLETE}, {@link StoreOperation#RELEASE} or
	 * {@link StoreOperation#RENEW}
	 */
	default void onWriteFailed(String endpoint, StoreOperation operation) {
	}

	/**
	 * A lease was renewed.
	 * @param endpoint the endpoint's name
	 * @param lag from when the renewal was due until the store confirmed it: a lag that nears a third of the lease
	 * means renewals are starved (by the store, or by a pool of connections all held)
	 */
	default void onLeaseRenewed(String endpoint, Duration lag) {
	}

}
