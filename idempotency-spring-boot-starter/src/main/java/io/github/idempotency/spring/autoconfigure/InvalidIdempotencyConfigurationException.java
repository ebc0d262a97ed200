package io.github.idempotency.spring.autoconfigure;

/**
 * Thrown at start-up when the {@code idempotency.*} configuration cannot work, naming the property to fix.
 */
public class InvalidIdempotencyConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String action;

	public InvalidIdempotencyConfigurationException(String property, String message, String action) {
		super(message);
		this.property = property;
		this.action = action;
	}

	/**
	 * The property to fix, such as {@code idempotency.store}.
	 * @return the property's name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * What to do about it.
	 * @return the suggested action
	 */
	public String getAction() {
		return this.action;
	}

}
