package io.github.idempotency.core.execution;

/**
 * Thrown by {@link IdempotentExecutor#execute} to a duplicate whose first execution failed after its effect happened
 * and asked, through {@link IdempotencyContext#retainResult()}, to keep that failure: the action does not run
 * again, and there is no value to replay.
 */
public class RetainedFailureException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public RetainedFailureException(String message) {
		super(message);
	}

}
