package io.github.idempotency.spring;

import java.time.Duration;
import java.util.Optional;

import io.github.idempotency.core.execution.Refusal;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by an {@code @Idempotent} method of a non-web bean (a listener, a service) when the invocation is refused
 * without running. Web endpoints answer the same cases with problem details instead.
 * <p>
 * {@link Refusal#IN_PROGRESS} and {@link Refusal#STORE_UNAVAILABLE} are transient: the caller (a message listener
 * container, for instance) should retry after {@link #retryAfter()}. The other reasons are the caller's error, or
 * for {@link Refusal#RECORD_CORRUPT} an operator's.
 */
public class IdempotencyRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Refusal reason;

	private final transient @Nullable Duration retryAfter;

	/**
	 * @param reason why the invocation was refused
	 * @param message what happened, naming the method
	 * @param retryAfter when to try again, or {@code null} when a retry cannot succeed
	 * @param cause the failure behind the refusal, or {@code null}
	 */
	public IdempotencyRejectedException(Refusal reason, String message, @Nullable Duration retryAfter,
			@Nullable Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.retryAfter = retryAfter;
	}

	/**
	 * Why the invocation was refused.
	 * @return the reason
	 */
	public Refusal reason() {
		return this.reason;
	}

	/**
	 * When to try again, for transient reasons.
	 * @return the delay, or empty when a retry cannot succeed
	 */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

}
