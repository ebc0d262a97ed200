package io.github.idempotency.core;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
		Map<String, List<String>> copy = new LinkedHashMap<>();
		headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
		headers = java.util.Collections.unmodifiableMap(copy);
		body = body.clone();
		if (!bodyRetained && body.length > 0) {
			throw new IllegalArgumentException("A response whose body was not retained has an empty body");
		}
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
	 * A response whose body was too large to keep.
	 * @param status the status
	 * @param headers the replayable headers
	 * @return the response, marked as not retained
	 */
	public static StoredResponse notRetained(int status, Map<String, List<String>> headers) {
		return new StoredResponse(status, headers, new byte[0], false);
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
