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
	 * The broker's message id: the AMQP {@code message_id} property (Kafka records have none).
	 * @return the id, or {@code null} when the message has none or the broker has no such property
	 */
	@Nullable String messageId();

	/**
	 * A header's value as text.
	 * @param name the header's name; empty for the configured default ({@code idempotency.header-name})
	 * @return the value, or {@code null} when absent
	 */
	@Nullable String header(String name);

	/**
	 * The record's key on its topic, for brokers whose messages carry a key: the Kafka topic and record key as
	 * {@code topic/key}.
	 * @return the key, or {@code null} when the record has none or the broker has no record keys
	 */
	default @Nullable String recordKey() {
		return null;
	}

	/**
	 * Told by {@code @Idempotent} when the listener method did not run because the message's key already finished
	 * (the stored result was returned instead), so that a container that acknowledges by hand can acknowledge it.
	 */
	default void skipped() {
	}

	/**
	 * Told by {@code @Idempotent} when the listener's failure became the message's outcome (an exception listed in
	 * {@code noRetryFor}): a later delivery is skipped, so the container should not redeliver it but pass it to its
	 * recoverer (a dead-letter destination) now.
	 */
	default void failedForGood() {
	}

}
