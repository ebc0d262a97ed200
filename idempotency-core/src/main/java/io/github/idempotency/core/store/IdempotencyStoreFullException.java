package io.github.idempotency.core.store;

/**
 * A bounded store holds as many records in force as it may, so it refuses to claim a new key. Callers treat it as
 * any other {@link IdempotencyStoreException} (refuse the request, or run unprotected, as configured); they need not
 * log every one, since the store that throws it reports refusals itself, at a limited rate.
 * <p>
 * It carries no stack trace: it is an expected answer of a full store, thrown on the request path, and its message
 * says everything there is to know.
 */
public final class IdempotencyStoreFullException extends IdempotencyStoreException {

	private static final long serialVersionUID = 1L;

	/**
	 * A refusal.
	 * @param message what is full: records, bytes, or both, and the bounds
	 */
	public IdempotencyStoreFullException(String message) {
		// no stack trace, not even the lock of filling in none: a refusal must cost no more than a replay
		super(message, false);
	}

}
