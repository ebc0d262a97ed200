package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

/**
 * Forwards every event to each listener in order, and keeps a failing listener off the request path: an exception
 * thrown by one listener is logged and the next listener still gets the event.
 */
public final class CompositeIdempotencyListener implements IdempotencyListener {

	private static final System.Logger logger = System.getLogger(CompositeIdempotencyListener.class.getName());

	private final IdempotencyListener[] listeners;

	/**
	 * @param listeners the listeners, called in this order
	 */
	public CompositeIdempotencyListener(List<? extends IdempotencyListener> listeners) {
		// NONE hears nothing: left out, so that a composite of it alone is known to need no event at all
		this.listeners = listeners.stream()
			.filter((listener) -> listener != IdempotencyListener.NONE)
			.toArray(IdempotencyListener[]::new);
	}

	/** {@return whether no listener hears the events: the executor then need not time its store calls for them} */
	boolean isEmpty() {
		return this.listeners.length == 0;
	}

	@Override
	public void onOutcome(String endpoint, RequestOutcome outcome) {
		for (IdempotencyListener listener : this.listeners) {
			try {
				listener.onOutcome(endpoint, outcome);
			}
			catch (RuntimeException ex) {
				failed(listener, "onOutcome", ex);
			}
		}
	}

	@Override
	public void onStoreOperation(String store, StoreOperation operation, StoreOperationResult result,
			Duration elapsed) {
		for (IdempotencyListener listener : this.listeners) {
			try {
				listener.onStoreOperation(store, operation, result, elapsed);
			}
			catch (RuntimeException ex) {
				failed(listener, "onStoreOperation", ex);
			}
		}
	}

	@Override
	public void onFencedWrite(String endpoint, StoreOperation operation) {
		for (IdempotencyListener listener : this.listeners) {
			try {
				listener.onFencedWrite(endpoint, operation);
			}
			catch (RuntimeException ex) {
				failed(listener, "onFencedWrite", ex);
			}
		}
	}

	@Override
	public void onResponseStored(String endpoint, int bytes) {
		for (IdempotencyListener listener : this.listeners) {
			try {
				listener.onResponseStored(endpoint, bytes);
			}
			catch (RuntimeException ex) {
				failed(listener, "onResponseStored", ex);
			}
		}
	}

	@Override
	public void onWriteRetried(String endpoint, StoreOperation operation) {
		for (IdempotencyListener listener : this.listeners) {
			try {
				listener.onWriteRetried(endpoint, operation);
			}
			catch (RuntimeException ex) {
				failed(listener, "onWriteRetried", ex);
			}
		}
	}

	@Override
	public void onWriteFailed(String endpoint, StoreOperation operation) {
		for (IdempotencyListener listener : this.listeners) {
			try {
				listener.onWriteFailed(endpoint, operation);
			}
			catch (RuntimeException ex) {
				failed(listener, "onWriteFailed", ex);
			}
		}
	}

	@Override
	public void onLeaseRenewed(String endpoint, Duration lag) {
		for (IdempotencyListener listener : this.listeners) {
			try {
				listener.onLeaseRenewed(endpoint, lag);
			}
			catch (RuntimeException ex) {
				failed(listener, "onLeaseRenewed", ex);
			}
		}
	}

	private static void failed(IdempotencyListener listener, String event, RuntimeException ex) {
		// a metric lost is better than a request failed, or a claim left behind by a write that threw halfway
		logger.log(Level.WARNING, "Idempotency listener " + listener.getClass().getName() + " failed in " + event
				+ "; the request goes on", ex);
	}

}
