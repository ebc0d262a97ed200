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

	/**
	 * An exception that records no stack trace, for answers expected on the request path.
	 * @param message what happened
	 * @param writableStackTrace whether the stack trace is recorded
	 */
	protected IdempotencyStoreException(String message, boolean writableStackTrace) {
		super(message, null, true, writableStackTrace);
	}

}
