package io.github.idempotency.sample.order;

/**
 * Thrown when a requested transition is not an edge of the state machine, or the order is not in the transition's
 * {@code from} state (any more).
 */
public class IllegalTransitionException extends RuntimeException {

	public IllegalTransitionException(String message) {
		super(message);
	}

}
