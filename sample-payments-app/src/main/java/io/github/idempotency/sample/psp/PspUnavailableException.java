package io.github.idempotency.sample.psp;

/**
 * Thrown when the PSP cannot take the charge now. Nothing was charged, so a retry may succeed.
 */
public class PspUnavailableException extends RuntimeException {

	public PspUnavailableException(String message) {
		super(message);
	}

}
