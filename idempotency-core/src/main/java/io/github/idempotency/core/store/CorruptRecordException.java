package io.github.idempotency.core.store;

/**
 * A stored record could not be decoded. The key is never treated as absent, since that would run the execution a
 * second time; the request fails instead, and the record stays for an operator to inspect or delete.
 */
public class CorruptRecordException extends IdempotencyStoreException {

	private static final long serialVersionUID = 1L;

	public CorruptRecordException(String message, Throwable cause) {
		super(message, cause);
	}

	public CorruptRecordException(String message) {
		super(message);
	}

}
