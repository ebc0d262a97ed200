package io.github.idempotency.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The attempts of one call, as {@link IdempotentRetryInterceptor} makes them: each attempt is classified by
 * {@link AttemptOutcome}, a retryable one is followed by a wait ({@code Retry-After}, else the backoff) unless the
 * attempt or time limit says stop, and the response returned is read completely. Immutable and thread-safe.
 */
final class RetryLoop {

	private final int maxAttempts;

	private final Duration maxElapsedTime;

	private final ExponentialBackoff backoff;

	private final IdempotentRetryListener listener;

	private final Clock clock;

	private final Sleeper sleeper;

	RetryLoop(int maxAttempts, Duration maxElapsedTime, ExponentialBackoff backoff, IdempotentRetryListener listener,
			Clock clock, Sleeper sleeper) {
		this.maxAttempts = maxAttempts;
		this.maxElapsedTime = maxElapsedTime;
		this.backoff = backoff;
		this.listener = listener;
		this.clock = clock;
		this.sleeper = sleeper;
	}

	int maxAttempts() {
		return this.maxAttempts;
	}

	Duration maxElapsedTime() {
		return this.maxElapsedTime;
	}

	/**
	 * Makes the attempts of one call.
	 * @param request the request, with its key
	 * @param body the request body
	 * @param execution what sends one attempt
	 * @return the last response, read completely
	 * @throws IOException the last attempt's failure, when the call gave up on it
	 */
	ClientHttpResponse execute(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		Instant deadline = this.clock.instant().plus(this.maxElapsedTime);
		for (int attempt = 1;; attempt++) {
			ClientHttpResponse response;
			try {
				response = execution.execute(request, body);
			}
			catch (IOException ex) {
				this.listener.onAttempt(request, attempt, AttemptOutcome.IO_ERROR);
				if (!waitBeforeRetry(request, attempt, AttemptOutcome.IO_ERROR, null, deadline)) {
					throw ex;
				}
				continue;
			}
			AttemptOutcome outcome = classify(response);
			if (outcome.isRetryable()) {
				this.listener.onAttempt(request, attempt, outcome);
				Duration retryAfter = retryAfter(response);
				if (!waitBeforeRetry(request, attempt, outcome, retryAfter, deadline)) {
					return readFinal(request, response);
				}
				response.close();
				continue;
			}
			try {
				response = BufferedClientHttpResponse.read(response);
			}
			catch (IOException ex) {
				this.listener.onAttempt(request, attempt, AttemptOutcome.IO_ERROR);
				if (!waitBeforeRetry(request, attempt, AttemptOutcome.IO_ERROR, null, deadline)) {
					throw ex;
				}
				continue;
			}
			this.listener.onAttempt(request, attempt, outcome);
			if (isReplay(response)) {
				this.listener.onReplay(request);
			}
			return response;
		}
	}

	private static AttemptOutcome classify(ClientHttpResponse response) throws IOException {
		try {
			return AttemptOutcome.of(response.getStatusCode().value(), response.getHeaders());
		}
		catch (IOException | RuntimeException ex) {
			response.close();
			throw ex;
		}
	}

	/**
	 * The last response of a call that gave up: read like any final one, but a failure to read it ends the call.
	 */
	private ClientHttpResponse readFinal(HttpRequest request, ClientHttpResponse response) throws IOException {
		ClientHttpResponse buffered = BufferedClientHttpResponse.read(response);
		if (isReplay(buffered)) {
			this.listener.onReplay(request);
		}
		return buffered;
	}

	private static boolean isReplay(ClientHttpResponse response) {
		return "true".equalsIgnoreCase(response.getHeaders().getFirst(IdempotentRetryInterceptor.REPLAYED_HEADER));
	}

	private @Nullable Duration retryAfter(ClientHttpResponse response) {
		String value = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null) {
			return null;
		}
		Optional<Duration> wait = RetryAfter.parse(value, this.clock.instant());
		return wait.orElse(null);
	}

	/**
	 * Waits before the next attempt, unless the limits say stop.
	 * @return {@code true} to retry, {@code false} to give up
	 */
	private boolean waitBeforeRetry(HttpRequest request, int attempt, AttemptOutcome outcome,
			@Nullable Duration retryAfter, Instant deadline) throws InterruptedIOException {
		Duration wait = (retryAfter != null) ? retryAfter : this.backoff.delay(attempt);
		if (attempt >= this.maxAttempts || this.clock.instant().plus(wait).isAfter(deadline)) {
			this.listener.onRetriesExhausted(request, attempt, outcome);
			return false;
		}
		try {
			this.sleeper.sleep(wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			InterruptedIOException interrupted = new InterruptedIOException(
					"Interrupted while waiting to retry " + request.getMethod() + " " + request.getURI());
			interrupted.initCause(ex);
			throw interrupted;
		}
		return true;
	}

}
