package io.github.idempotency.client;

import java.util.List;

import org.springframework.http.HttpRequest;

/**
 * Tells several {@link IdempotentRetryListener}s, in the order they were added.
 */
final class CompositeRetryListener implements IdempotentRetryListener {

	private final List<IdempotentRetryListener> listeners;

	private CompositeRetryListener(List<IdempotentRetryListener> listeners) {
		this.listeners = listeners;
	}

	/**
	 * The listener that tells all of these.
	 * @param listeners the listeners
	 * @return {@link IdempotentRetryListener#NONE} for none, the listener itself for one, else a composite
	 */
	static IdempotentRetryListener of(List<IdempotentRetryListener> listeners) {
		if (listeners.isEmpty()) {
			return IdempotentRetryListener.NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		return new CompositeRetryListener(List.copyOf(listeners));
	}

	@Override
	public void onAttempt(HttpRequest request, int attempt, AttemptOutcome outcome) {
		this.listeners.forEach((listener) -> listener.onAttempt(request, attempt, outcome));
	}

	@Override
	public void onReplay(HttpRequest request) {
		this.listeners.forEach((listener) -> listener.onReplay(request));
	}

	@Override
	public void onRetriesExhausted(HttpRequest request, int attempts, AttemptOutcome lastOutcome) {
		this.listeners.forEach((listener) -> listener.onRetriesExhausted(request, attempts, lastOutcome));
	}

}
