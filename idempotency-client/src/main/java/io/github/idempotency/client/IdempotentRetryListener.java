package io.github.idempotency.client;

import org.springframework.http.HttpRequest;

/**
 * Told about the attempts of the calls that an {@link IdempotentRetryInterceptor} handles, e.g. to count them. Every
 * method has a no-op default; implementations must be fast and must not throw: they run on the caller's thread
 * between two attempts.
 */
public interface IdempotentRetryListener {

	/**
	 * A listener that does nothing.
	 */
	IdempotentRetryListener NONE = new IdempotentRetryListener() {
	};

	/**
	 * Called after each attempt.
	 * @param request the request, with its idempotency key header
	 * @param attempt 1 for the first attempt
	 * @param outcome what the attempt ended with
	 */
	default void onAttempt(HttpRequest request, int attempt, AttemptOutcome outcome) {
	}

	/**
	 * Called when the response returned to the caller is a replay ({@code Idempotent-Replayed: true}): the server had
	 * already processed the key, typically because an earlier attempt's response was lost.
	 * @param request the request
	 */
	default void onReplay(HttpRequest request) {
	}

	/**
	 * Called when a call stops retrying although its last attempt was retryable, because it reached the attempt or
	 * time limit. The caller gets that last response, or its exception.
	 * @param request the request
	 * @param attempts how many attempts were made
	 * @param lastOutcome what the last attempt ended with
	 */
	default void onRetriesExhausted(HttpRequest request, int attempts, AttemptOutcome lastOutcome) {
	}

}
