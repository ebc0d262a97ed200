package io.github.idempotency.spring.messaging;

import org.jspecify.annotations.Nullable;

/**
 * The broker message a listener container is delivering on the current thread, as far as an idempotency key needs
 * it. A broker binding (such as {@code messaging.amqp}) implements it over its own message type
 * and binds it through {@link InboundMessages} for the duration of the listener's invocation.
 */
public interface InboundMessage {

	/**
	 * Names the listener container that delivers the message, for error messages.
	 * @return e.g. {@code AMQP} or {@code Kafka}
	 */
	String broker();

	/**
	 * The broker's message id: the AMQP {@code message_id} property.
	 * @return the id, or {@code null} when the message has none or the broker has no such property
	 */
	@Nullable String messageId();

	/**
	 * A header's value as text.
	 * @param name the header's name; empty for the configured default ({@code idempotency.header-name})
	 * @return the value, or {@code null} when absent
	 */
	@Nullable String header(String name);

}
