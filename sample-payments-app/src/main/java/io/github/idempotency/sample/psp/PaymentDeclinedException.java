package io.github.idempotency.sample.psp;

/**
 * Thrown when the PSP declines a charge. The payment did not happen and will not happen on a retry.
 */
public class PaymentDeclinedException extends RuntimeException {

	public PaymentDeclinedException(String message) {
		super(message);
	}

}
