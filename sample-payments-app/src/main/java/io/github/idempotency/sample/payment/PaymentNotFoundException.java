package io.github.idempotency.sample.payment;

/**
 * Thrown when a payment does not exist or belongs to another user; both answer 404 so that ids do not leak.
 */
public class PaymentNotFoundException extends RuntimeException {

	public PaymentNotFoundException(String id) {
		super("No payment " + id);
	}

}
