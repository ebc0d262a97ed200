package io.github.idempotency.core;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The result of a finished execution as it is replayed: a status, the replayable headers and the body bytes.
 * For HTTP endpoints these are the bytes the client first received; for other methods the body holds the encoded
 * return value.
 * <p>
 * When the response was too large to keep, {@link #bodyRetained()} is {@code false} and the body is empty: the
 * execution happened and must not run again, but its body cannot be replayed.
 *
 * @param status the status (an HTTP status for web endpoints)
 * @param headers replayable headers, names as first written, values in order
 * @param body the body bytes (never {@code null})
 * @param bodyRetained whether the body was kept
 */
public record StoredResponse(int status, Map<String, List<String>> headers, byte[] body, boolean bodyRetained) {

	public StoredResponse {
		Objects.requireNonNull(headers, "headers");
		Objects.requireNonNull(body, "body");
		headers = copyOf(headers);
		body = body.clone();
		if (!bodyRetained && body.length > 0) {
			throw new IllegalArgumentException("A response whose body was not retained has an empty body");
		}
	}

	/**
	 * An unmodifiable copy of the headers, in their order. Every first request stores one, and most carry a content
	 * type alone: none or one header gets an immutable map of its own size (no order to keep), more get a linked map.
	 */
	private static Map<String, List<String>> copyOf(Map<String, List<String>> headers) {
		int size = headers.size();
		if (size == 0) {
			return Map.of();
		}
		if (size == 1) {
			Map.Entry<String, List<String>> only = headers.entrySet().iterator().next();
			if (only.getKey() != null) {
				return Map.of(only.getKey(), List.copyOf(only.getValue()));
			}
		}
		Map<String, List<String>> copy = new LinkedHashMap<>();
		headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
		return java.util.Collections.unmodifiableMap(copy);
	}

	/**
	 * A response with its body.
	 * @param status the status
	 * @param headers the replayable headers
	 * @param body the body bytes
	 * @return the response
	 */
	public static StoredResponse of(int status, Map<String, List<String>> headers, byte[] body) {
		return new StoredResponse(status, headers, body, true);
	}

	/**
	 * A response whose body was not kept, for a reason that is not told.
	 * @param status the status
	 * @param headers the replayable headers
	 * @return the response, marked as not retained
	 */
	public static StoredResponse notRetained(int status, Map<String, List<String>> headers) {
		return new StoredResponse(status, headers, new byte[0], false);
	}

	/**
	 * A response whose body was not kept, and why. The reason travels with the headers, under
	 * {@link #NOT_RETAINED_REASON_HEADER}, so that every store keeps it without a schema of its own; it is never
	 * replayed as a header.
	 * @param status the status
	 * @param headers the replayable headers
	 * @param reason why the body was not kept
	 * @return the response, marked as not retained
	 */
	public static StoredResponse notRetained(int status, Map<String, List<String>> headers, NotRetained reason) {
		Map<String, List<String>> withReason = new LinkedHashMap<>(headers);
		withReason.put(NOT_RETAINED_REASON_HEADER, List.of(reason.value));
		return new StoredResponse(status, withReason, new byte[0], false);
	}

	/**
	 * Why the body was not kept.
	 * @return the reason, or {@code null} when the body was kept or no reason was recorded
	 */
	public @Nullable NotRetained notRetainedReason() {
		List<String> values = this.headers.get(NOT_RETAINED_REASON_HEADER);
		if (this.bodyRetained || values == null || values.isEmpty()) {
			return null;
		}
		for (NotRetained reason : NotRetained.values()) {
			if (reason.value.equals(values.get(0))) {
				return reason;
			}
		}
		return null;
	}

	/** Name of the stored header that holds {@link #notRetainedReason()}; never sent to a client. */
	public static final String NOT_RETAINED_REASON_HEADER = "Idempotency-Not-Retained";

	/** Why a response's body was not kept. */
	public enum NotRetained {

		/** The body was larger than the largest body kept. */
		TOO_LARGE("too-large"),

		/**
		 * The effects were committed with a provisional response (status and headers), and the instance stopped or
		 * failed before the rendered response was attached.
		 */
		CRASH_WINDOW("crash-window"),

		/** The library keeps no body for this result by policy, such as a failure kept so it is not run again. */
		POLICY("policy");

		private final String value;

		NotRetained(String value) {
			this.value = value;
		}

	}

	/**
	 * The body bytes. A copy: a stored response never changes.
	 * @return the body
	 */
	@Override
	public byte[] body() {
		return this.body.clone();
	}

	/**
	 * The body length without copying it.
	 * @return the number of body bytes
	 */
	public int bodyLength() {
		return this.body.length;
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof StoredResponse that && this.status == that.status
				&& this.bodyRetained == that.bodyRetained && this.headers.equals(that.headers)
				&& Arrays.equals(this.body, that.body));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.status, this.headers, Arrays.hashCode(this.body), this.bodyRetained);
	}

	@Override
	public String toString() {
		return "StoredResponse[status=" + this.status + ", headers=" + this.headers.keySet() + ", body="
				+ this.body.length + " bytes" + (this.bodyRetained ? "" : ", not retained") + "]";
	}

}
