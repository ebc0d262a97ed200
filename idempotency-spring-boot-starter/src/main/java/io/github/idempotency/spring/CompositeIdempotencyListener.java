package io.github.idempotency.spring;

import java.time.Duration;
import java.util.List;

import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.execution.StoreOperation;
import io.github.idempotency.core.execution.StoreOperationResult;

/**
 * Forwards every event to each of the application's {@link IdempotencyListener} beans, in order.
 */
public final class CompositeIdempotencyListener implements IdempotencyListener {

	private final IdempotencyListener[] listeners;

	public CompositeIdempotencyListener(List<? extends IdempotencyListener> listeners) {
		this.listeners = listeners.toArray(new IdempotencyListener[0]);
	}

	@Override
	public void onOutcome(String endpoint, RequestOutcome outcome) {
		for (IdempotencyListener listener : this.listeners) {
			listener.onOutcome(endpoint, outcome);
		}
	}

	@Override
	public void onStoreOperation(String store, StoreOperation operation, StoreOperationResult result,
			Duration elapsed) {
		for (IdempotencyListener listener : this.listeners) {
			listener.onStoreOperation(store, operation, result, elapsed);
		}
	}

	@Override
	public void onFencedWrite(String endpoint, StoreOperation operation) {
		for (IdempotencyListener listener : this.listeners) {
			listener.onFencedWrite(endpoint, operation);
		}
	}

	@Override
	public void onResponseStored(String endpoint, int bytes) {
		for (IdempotencyListener listener : this.listeners) {
			listener.onResponseStored(endpoint, bytes);
		}
	}

}
