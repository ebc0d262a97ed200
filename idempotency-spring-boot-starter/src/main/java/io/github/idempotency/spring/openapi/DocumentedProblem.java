package io.github.idempotency.spring.openapi;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.idempotency.spring.web.IdempotencyProblem;

/**
 * The problem responses of the idempotency protocol as the OpenAPI document shows them: status, stable
 * {@code type}, title (as the server sends it) and when a client meets it.
 */
enum DocumentedProblem {

	MISSING_KEY(400, IdempotencyProblem.MISSING_KEY, "Idempotency key missing",
			"The operation requires an idempotency key and the request has none.", false),

	INVALID_KEY(400, IdempotencyProblem.INVALID_KEY, "Invalid idempotency key",
			"The idempotency key is empty, too long or not printable ASCII, or the header was sent twice.", false),

	REQUEST_IN_PROGRESS(409, IdempotencyProblem.REQUEST_IN_PROGRESS, "Request in progress",
			"A request with this idempotency key is still running. Retry with the same key after Retry-After "
					+ "seconds to get its result.",
			true),

	KEY_MISMATCH(422, IdempotencyProblem.KEY_MISMATCH, "Idempotency key reused",
			"The idempotency key was used for a different request (method, route or body). Do not retry: use a new "
					+ "key for a new request.",
			false),

	STORE_UNAVAILABLE(503, IdempotencyProblem.STORE_UNAVAILABLE, "Idempotency store unavailable",
			"The request cannot be protected against duplicates right now and was not processed. Retry with the "
					+ "same key after Retry-After seconds.",
			true);

	private final int status;

	private final String type;

	private final String title;

	private final String when;

	private final boolean retryAfter;

	DocumentedProblem(int status, String type, String title, String when, boolean retryAfter) {
		this.status = status;
		this.type = type;
		this.title = title;
		this.when = when;
		this.retryAfter = retryAfter;
	}

	int status() {
		return this.status;
	}

	String type() {
		return this.type;
	}

	String title() {
		return this.title;
	}

	/** Name of the example: the last segment of the type URI. */
	String exampleName() {
		return this.type.substring(this.type.lastIndexOf('/') + 1);
	}

	String when() {
		return this.when;
	}

	boolean sendsRetryAfter() {
		return this.retryAfter;
	}

	/** A body the server sends for this problem ({@code detail} varies between occurrences). */
	Map<String, Object> exampleBody() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", this.type);
		body.put("title", this.title);
		body.put("status", this.status);
		body.put("detail", this.when);
		return body;
	}

}
