package io.github.idempotency.client;

import java.util.Locale;

import org.springframework.http.HttpHeaders;

/**
 * What one attempt of a call ended with, and so whether the call is retried.
 */
public enum AttemptOutcome {

	/**
	 * A 1xx, 2xx or 3xx response: returned to the caller.
	 */
	SUCCESS,

	/**
	 * An error response that a retry cannot change: returned to the caller at once. Every 4xx except {@code 409}
	 * with {@code Retry-After} and {@code 429} (a {@code 400} or a {@code 422} means the request is wrong, and a
	 * {@code 422} for a reused key means the key was reused for another request), and {@code 501} and {@code 505},
	 * which no server changes its mind about.
	 */
	NOT_RETRYABLE,

	/**
	 * An error response worth retrying: {@code 409} with {@code Retry-After} (the first request with this key is
	 * still running), {@code 429}, and every other 5xx.
	 */
	RETRYABLE_STATUS,

	/**
	 * No complete response: the connection could not be made, broke, or timed out, before or while the response was
	 * read. The server may have processed the request, which the key makes safe to send again.
	 */
	IO_ERROR;

	/**
	 * Classifies a response.
	 * @param status the status code
	 * @param headers the response headers
	 * @return the outcome, never {@link #IO_ERROR}
	 */
	public static AttemptOutcome of(int status, HttpHeaders headers) {
		if (status < 400) {
			return SUCCESS;
		}
		if (status == 409) {
			return headers.containsHeader(HttpHeaders.RETRY_AFTER) ? RETRYABLE_STATUS : NOT_RETRYABLE;
		}
		if (status == 429) {
			return RETRYABLE_STATUS;
		}
		if (status < 500 || status == 501 || status == 505) {
			return NOT_RETRYABLE;
		}
		return RETRYABLE_STATUS;
	}

	/**
	 * Whether an attempt that ended so may be retried.
	 * @return {@code true} for {@link #RETRYABLE_STATUS} and {@link #IO_ERROR}
	 */
	public boolean isRetryable() {
		return this == RETRYABLE_STATUS || this == IO_ERROR;
	}

	/**
	 * The value of this outcome as a metric tag.
	 * @return the name in lower case, e.g. {@code io_error}
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
