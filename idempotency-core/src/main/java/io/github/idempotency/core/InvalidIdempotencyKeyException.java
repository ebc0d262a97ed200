package io.github.idempotency.core;

/**
 * Thrown when a client-supplied idempotency key is empty, too long or not printable ASCII.
 * The message says which rule was broken and never echoes the key itself.
 */
public class InvalidIdempotencyKeyException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	public InvalidIdempotencyKeyException(String message) {
		super(message);
	}

}
