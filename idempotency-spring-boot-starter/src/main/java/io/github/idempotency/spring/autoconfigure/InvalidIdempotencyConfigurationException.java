package io.github.idempotency.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Thrown at start-up when an {@code idempotency.*} property cannot work, naming the property and what to do. The one
 * way the auto-configurations report a bad property: it is Spring Boot's
 * {@link InvalidConfigurationPropertyValueException}, with the suggested action that
 * {@link InvalidIdempotencyConfigurationFailureAnalyzer} shows.
 */
public class InvalidIdempotencyConfigurationException extends InvalidConfigurationPropertyValueException {

	private static final long serialVersionUID = 1L;

	private final String action;

	/**
	 * Creates the exception.
	 * @param property the property to fix, such as {@code idempotency.store}
	 * @param value its value
	 * @param reason what is wrong with it
	 * @param action what to do about it
	 */
	public InvalidIdempotencyConfigurationException(String property, @Nullable Object value, String reason,
			String action) {
		super(property, value, reason);
		this.action = action;
	}

	/**
	 * The property to fix, such as {@code idempotency.store}.
	 * @return the property's name
	 */
	public String getProperty() {
		return getName();
	}

	/**
	 * What to do about it.
	 * @return the suggested action
	 */
	public String getAction() {
		return this.action;
	}

}
