package io.github.idempotency.spring.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.Refusal;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

/**
 * The RFC 9457 problem details that the idempotency protocol answers, as Spring {@link ProblemDetail}s, each with a
 * stable {@code type} URI under {@value #BASE}. Bodies carry {@code type}, {@code title}, {@code status} and
 * {@code detail}, never a key, a principal or a stack trace.
 * <p>
 * A refusal is raised to Spring MVC as an {@link IdempotencyProblemException}, so an application's
 * {@code @ControllerAdvice}, {@code ResponseEntityExceptionHandler} or {@code MessageSource} shapes it like any other
 * problem; when none does, the filter sends these exact bytes.
 * <p>
 * An instance is immutable, and everything a response needs from it (type URI, JSON bytes, {@code Retry-After},
 * message codes) is made once, in its constructor: the problems that do not depend on the request (a mismatch, a
 * full or unreachable store, a request in progress) are kept and answered again, so that a storm of refusals
 * allocates no more than it must.
 */
public final class IdempotencyProblem {

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

	/**
	 * 400: the endpoint keys requests by their body's hash per principal, and the request has no authenticated
	 * principal, so it would share its record with every other anonymous caller.
	 */
	public static final String ANONYMOUS_BODY_HASH = BASE + "anonymous-body-hash";

	/**
	 * The first request's status: it ran, but its response was not kept for replay; the detail says why (too large,
	 * lost between committing and keeping it, or not kept by policy).
	 */
	public static final String RESPONSE_NOT_RETAINED = BASE + "response-not-retained";

	/** Media type of every problem body. */
	public static final String MEDIA_TYPE = "application/problem+json";

	private static final IdempotencyProblem MISMATCH = new IdempotencyProblem(KEY_MISMATCH, "Idempotency key reused",
			422, "This idempotency key was used for a different request; use a new key for a new request.", null);

	private static final IdempotencyProblem RECORD_CORRUPT_PROBLEM = new IdempotencyProblem(RECORD_CORRUPT,
			"Idempotency record unreadable", 500,
			"The stored record of this idempotency key cannot be read, so the request was not processed.", null);

	private static final IdempotencyProblem ANONYMOUS_BODY_HASH_PROBLEM = new IdempotencyProblem(ANONYMOUS_BODY_HASH,
			"Authentication required for idempotency", 400,
			"This operation recognizes repeated requests by their body per caller; authenticate to use it.", null);

	// the last of each kind that depends on a value (the executor's Retry-After is a constant, the key header's name
	// is configured once): every refusal of a storm is answered with the same instance; all fields are final, so a
	// racy read sees a whole instance
	private static volatile @Nullable IdempotencyProblem lastStoreUnavailable;

	private static volatile @Nullable IdempotencyProblem lastInProgress;

	private static volatile @Nullable IdempotencyProblem lastMissingKey;

	private final String type;

	private final String title;

	private final int status;

	private final String detail;

	private final @Nullable Duration retryAfter;

	private final URI typeUri;

	private final byte[] json;

	private final @Nullable String retryAfterHeader;

	private final String detailMessageCode;

	private final String titleMessageCode;

	private IdempotencyProblem(String type, String title, int status, String detail, @Nullable Duration retryAfter) {
		this.type = type;
		this.title = title;
		this.status = status;
		this.detail = detail;
		this.retryAfter = retryAfter;
		this.typeUri = URI.create(type);
		this.json = json(type, title, status, detail);
		this.retryAfterHeader = (retryAfter != null)
				? Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)) : null;
		String slug = type.substring(BASE.length());
		this.detailMessageCode = ErrorResponse.getDefaultDetailMessageCode(IdempotencyProblemException.class, slug);
		this.titleMessageCode = ErrorResponse.getDefaultTitleMessageCode(IdempotencyProblemException.class) + "."
				+ slug;
	}

	/**
	 * The problem that answers a refusal.
	 * @param refusal why the request was refused
	 * @param retryAfter when to try again, for the transient refusals
	 * @param particulars the key header's name for {@link Refusal#MISSING_KEY}, the reason for
	 * {@link Refusal#INVALID_KEY}; ignored otherwise
	 * @return the problem
	 */
	static IdempotencyProblem of(Refusal refusal, @Nullable Duration retryAfter, String particulars) {
		return switch (refusal) {
			case MISSING_KEY -> missingKey(particulars);
			case INVALID_KEY -> invalidKey(particulars);
			case KEY_MISMATCH -> mismatch();
			case IN_PROGRESS -> inProgress(Objects.requireNonNull(retryAfter, "retryAfter"));
			case STORE_UNAVAILABLE -> storeUnavailable(Objects.requireNonNull(retryAfter, "retryAfter"));
			// a record that cannot be read will not heal by retrying: a server error, not "come back later"
			case RECORD_CORRUPT -> recordCorrupt();
		};
	}

	static IdempotencyProblem missingKey(String headerName) {
		String detail = "This operation requires an idempotency key in the " + headerName + " header.";
		IdempotencyProblem last = lastMissingKey;
		if (last != null && last.detail.equals(detail)) {
			return last;
		}
		last = new IdempotencyProblem(MISSING_KEY, "Idempotency key missing", 400, detail, null);
		lastMissingKey = last;
		return last;
	}

	static IdempotencyProblem invalidKey(String reason) {
		return new IdempotencyProblem(INVALID_KEY, "Invalid idempotency key", 400, reason + ".", null);
	}

	static IdempotencyProblem anonymousBodyHash() {
		return ANONYMOUS_BODY_HASH_PROBLEM;
	}

	static IdempotencyProblem mismatch() {
		return MISMATCH;
	}

	static IdempotencyProblem inProgress(Duration retryAfter) {
		IdempotencyProblem last = lastInProgress;
		if (last != null && retryAfter.equals(last.retryAfter)) {
			return last;
		}
		last = new IdempotencyProblem(REQUEST_IN_PROGRESS, "Request in progress", 409,
				"A request with this idempotency key is still being processed; retry later to get its result.",
				retryAfter);
		lastInProgress = last;
		return last;
	}

	static IdempotencyProblem storeUnavailable(Duration retryAfter) {
		IdempotencyProblem last = lastStoreUnavailable;
		if (last != null && retryAfter.equals(last.retryAfter)) {
			return last;
		}
		last = new IdempotencyProblem(STORE_UNAVAILABLE, "Idempotency store unavailable", 503,
				"The request cannot be protected against duplicates right now; retry later.", retryAfter);
		lastStoreUnavailable = last;
		return last;
	}

	static IdempotencyProblem recordCorrupt() {
		return RECORD_CORRUPT_PROBLEM;
	}

	static IdempotencyProblem responseNotRetained(int status, StoredResponse.@Nullable NotRetained reason) {
		String why = (reason == null) ? "its response was not kept" : switch (reason) {
			case TOO_LARGE -> "its response was too large to keep";
			case CRASH_WINDOW -> "the service stopped after committing its effects and before keeping its response";
			case POLICY -> "its response is not kept, by policy (a failure kept so that it does not run again)";
		};
		return new IdempotencyProblem(RESPONSE_NOT_RETAINED, "Response not retained", status,
				"The request with this idempotency key was processed, but " + why + ".", null);
	}

	/**
	 * The answer kept for a request whose handler ran and returned, and whose response then failed to be produced
	 * (rendering, a {@code ResponseBodyAdvice}, a {@code HandlerInterceptor}) where no response could be captured.
	 * @param status the status the client got
	 * @return the problem
	 */
	static IdempotencyProblem failedAfterProcessing(int status) {
		return new IdempotencyProblem(RESPONSE_NOT_RETAINED, "Response not retained", status,
				"The request with this idempotency key was processed, but producing its response failed afterwards; "
						+ "it is not processed again.",
				null);
	}

	/**
	 * The problem as Spring's type.
	 * @return a new body, free to change
	 */
	ProblemDetail body() {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(this.status), this.detail);
		body.setType(this.typeUri);
		body.setTitle(this.title);
		return body;
	}

	/**
	 * The HTTP status.
	 * @return the status code
	 */
	int status() {
		return this.status;
	}

	/**
	 * The problem as JSON, as the filter sends it when no application handler rendered it.
	 * @return the UTF-8 bytes of the body, shared by every response of this problem: to be written, never changed
	 */
	byte[] toJson() {
		return this.json;
	}

	private static byte[] json(String type, String title, int status, String detail) {
		String json = "{\"type\":\"" + escape(type) + "\",\"title\":\"" + escape(title) + "\",\"status\":" + status
				+ ",\"detail\":\"" + escape(detail) + "\"}";
		return json.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The {@code Retry-After} value in whole seconds, at least 1.
	 * @return the header value, or {@code null} when none applies
	 */
	@Nullable String retryAfterHeader() {
		return this.retryAfterHeader;
	}

	/**
	 * The {@code MessageSource} code of the detail, as {@link IdempotencyProblemException} exposes it.
	 * @return the code
	 */
	String detailMessageCode() {
		return this.detailMessageCode;
	}

	/**
	 * The {@code MessageSource} code of the title, as {@link IdempotencyProblemException} exposes it.
	 * @return the code
	 */
	String titleMessageCode() {
		return this.titleMessageCode;
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
