package io.github.idempotency.spring.autoconfigure;

import java.time.Duration;

import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.execution.StoreOperation;
import io.github.idempotency.core.execution.StoreOperationResult;
import io.github.idempotency.core.execution.CompositeIdempotencyListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * The application's listeners, looked up on first use: the interceptor is created while beans are being proxied,
 * before a metrics listener (and its registry) should exist.
 */
final class LazyListener implements IdempotencyListener {

	private final SingletonSupplier<IdempotencyListener> delegate;

	LazyListener(ObjectProvider<IdempotencyListener> listeners) {
		this.delegate = SingletonSupplier
			.of(() -> new CompositeIdempotencyListener(listeners.orderedStream().toList()));
	}

	@Override
	public void onOutcome(String endpoint, RequestOutcome outcome) {
		this.delegate.obtain().onOutcome(endpoint, outcome);
	}

	@Override
	public void onStoreOperation(String store, StoreOperation operation, StoreOperationResult result,
			Duration elapsed) {
		this.delegate.obtain().onStoreOperation(store, operation, result, elapsed);
	}

	@Override
	public void onFencedWrite(String endpoint, StoreOperation operation) {
		this.delegate.obtain().onFencedWrite(endpoint, operation);
	}

	@Override
	public void onResponseStored(String endpoint, int bytes) {
		this.delegate.obtain().onResponseStored(endpoint, bytes);
	}

}
