package io.github.idempotency.core.store;

/**
 * The store could not be reached or did not answer in time. Callers fail closed (refuse the request) or open (run
 * unprotected) as configured; they never treat the key as absent.
 */
public class IdempotencyStoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public IdempotencyStoreException(String message, Throwable cause) {
		super(message, cause);
	}

	public IdempotencyStoreException(String message) {
		super(message);
	}

}
