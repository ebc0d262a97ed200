package io.github.idempotency.spring;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by an {@code @Idempotent} method of a non-web bean (a listener, a service) when the invocation is refused
 * without running. Web endpoints answer the same cases with problem details instead.
 * <p>
 * {@link Reason#IN_PROGRESS} and {@link Reason#STORE_UNAVAILABLE} are transient: the caller (a message listener
 * container, for instance) should retry after {@link #retryAfter()}. The other reasons are the caller's error.
 */
public class IdempotencyRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Reason reason;

	private final transient Duration retryAfter;

	public IdempotencyRejectedException(Reason reason, String message, Duration retryAfter, Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.retryAfter = retryAfter;
	}

	/**
	 * Why the invocation was refused.
	 * @return the reason
	 */
	public Reason reason() {
		return this.reason;
	}

	/**
	 * When to try again, for transient reasons.
	 * @return the delay, or empty when a retry cannot succeed
	 */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

	/**
	 * Why an invocation was refused.
	 */
	public enum Reason {

		/** The key expression evaluated to {@code null} or an empty string. */
		MISSING_KEY,

		/** The key is longer than allowed or not printable ASCII. */
		INVALID_KEY,

		/** The same key and arguments are still being executed elsewhere. */
		IN_PROGRESS,

		/** The key was used before with different arguments. */
		KEY_MISMATCH,

		/** The store could not be reached and the configuration fails closed. */
		STORE_UNAVAILABLE

	}

}
