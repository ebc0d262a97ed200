package io.github.idempotency.sample.order;

/**
 * Thrown when an order does not exist.
 */
public class OrderNotFoundException extends RuntimeException {

	public OrderNotFoundException(String id) {
		super("No order " + id);
	}

}
