package io.github.idempotency.faultsuite.harness;

/**
 * One client call as the recorder saw it.
 *
 * @param key the idempotency key sent
 * @param principal the user who sent it
 * @param startNanos when the request was sent ({@link System#nanoTime()})
 * @param endNanos when the response arrived
 * @param status the HTTP status, or {@code 0} when no response arrived
 * @param bodyHash SHA-256 of the response body bytes, hex
 * @param replayed whether the response carried {@code Idempotent-Replayed: true}
 * @param retryAfter the {@code Retry-After} header, or {@code null}
 * @param problemType the problem {@code type} of an error, or {@code null}
 */
public record CallRecord(String key, String principal, long startNanos, long endNanos, int status, String bodyHash,
		boolean replayed, String retryAfter, String problemType) {

	/** Whether this answer is the first completed execution's own response (a success or a kept client error). */
	public boolean isExecution() {
		return !this.replayed && this.status >= 200 && this.status < 500 && this.status != 409 && this.status != 422
				&& this.status != 400;
	}

}
