package io.github.idempotency.spring.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The RFC 9457 problem details that the idempotency protocol answers, each with a stable {@code type} URI under
 * {@value #BASE}. Bodies carry {@code type}, {@code title}, {@code status} and {@code detail}, never a key, a
 * principal or a stack trace.
 *
 * @param type the problem's type URI
 * @param title a short summary that does not change between occurrences
 * @param status the HTTP status
 * @param detail an explanation of this occurrence
 * @param retryAfter the {@code Retry-After} to send, or {@code null}
 */
public record IdempotencyProblem(String type, String title, int status, String detail, Duration retryAfter) {

	/** Base of every type URI. */
	public static final String BASE = "https://idempotency.github.io/problems/";

	/** 400: the endpoint requires an idempotency key and the request has none. */
	public static final String MISSING_KEY = BASE + "missing-key";

	/** 400: the key is empty, too long, not printable ASCII, or sent twice. */
	public static final String INVALID_KEY = BASE + "invalid-key";

	/** 422: the key was used for a different request (method, route or body). */
	public static final String KEY_MISMATCH = BASE + "key-mismatch";

	/** 409: a request with the same key is still running. */
	public static final String REQUEST_IN_PROGRESS = BASE + "request-in-progress";

	/** 503: the idempotency store cannot be reached and the service fails closed. */
	public static final String STORE_UNAVAILABLE = BASE + "store-unavailable";

	/**
	 * 500: the stored record of this key cannot be read. It is never treated as absent, since that could run the
	 * request twice; an operator inspects or deletes it.
	 */
	public static final String RECORD_CORRUPT = BASE + "record-corrupt";

	/** The first request's status: it ran, but its response was too large to keep for replay. */
	public static final String RESPONSE_NOT_RETAINED = BASE + "response-not-retained";

	/** Media type of every problem body. */
	public static final String MEDIA_TYPE = "application/problem+json";

	static IdempotencyProblem missingKey(String headerName) {
		return new IdempotencyProblem(MISSING_KEY, "Idempotency key missing", 400,
				"This operation requires an idempotency key in the " + headerName + " header.", null);
	}

	static IdempotencyProblem invalidKey(String reason) {
		return new IdempotencyProblem(INVALID_KEY, "Invalid idempotency key", 400, reason + ".", null);
	}

	static IdempotencyProblem mismatch() {
		return new IdempotencyProblem(KEY_MISMATCH, "Idempotency key reused", 422,
				"This idempotency key was used for a different request; use a new key for a new request.", null);
	}

	static IdempotencyProblem inProgress(Duration retryAfter) {
		return new IdempotencyProblem(REQUEST_IN_PROGRESS, "Request in progress", 409,
				"A request with this idempotency key is still being processed; retry later to get its result.",
				retryAfter);
	}

	static IdempotencyProblem storeUnavailable(Duration retryAfter) {
		return new IdempotencyProblem(STORE_UNAVAILABLE, "Idempotency store unavailable", 503,
				"The request cannot be protected against duplicates right now; retry later.", retryAfter);
	}

	static IdempotencyProblem recordCorrupt() {
		return new IdempotencyProblem(RECORD_CORRUPT, "Idempotency record unreadable", 500,
				"The stored record of this idempotency key cannot be read, so the request was not processed.", null);
	}

	static IdempotencyProblem responseNotRetained(int status) {
		return new IdempotencyProblem(RESPONSE_NOT_RETAINED, "Response not retained", status,
				"The request with this idempotency key was processed, but its response was too large to keep.",
				null);
	}

	/**
	 * The problem as JSON.
	 * @return the UTF-8 bytes of the body
	 */
	public byte[] toJson() {
		String json = "{\"type\":\"" + escape(this.type) + "\",\"title\":\"" + escape(this.title) + "\",\"status\":"
				+ this.status + ",\"detail\":\"" + escape(this.detail) + "\"}";
		return json.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The {@code Retry-After} value in whole seconds, at least 1.
	 * @return the header value, or {@code null} when none applies
	 */
	public String retryAfterHeader() {
		if (this.retryAfter == null) {
			return null;
		}
		long seconds = (this.retryAfter.toMillis() + 999) / 1000;
		return Long.toString(Math.max(1, seconds));
	}

	private static String escape(String text) {
		StringBuilder builder = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> builder.append("\\\"");
				case '\\' -> builder.append("\\\\");
				default -> {
					if (c < 0x20) {
						builder.append(String.format("\\u%04x", (int) c));
					}
					else {
						builder.append(c);
					}
				}
			}
		}
		return builder.toString();
	}

}
