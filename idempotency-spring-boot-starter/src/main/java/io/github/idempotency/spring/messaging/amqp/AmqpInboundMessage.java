package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.messaging.InboundMessage;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;

/**
 * An AMQP message as an {@link InboundMessage}: its {@code message_id} property and its headers.
 */
final class AmqpInboundMessage implements InboundMessage {

	private final Message message;

	private final String defaultHeader;

	AmqpInboundMessage(Message message, String defaultHeader) {
		this.message = message;
		this.defaultHeader = defaultHeader;
	}

	@Override
	public String broker() {
		return "AMQP";
	}

	@Override
	public @Nullable String messageId() {
		return this.message.getMessageProperties().getMessageId();
	}

	@Override
	public @Nullable String header(String name) {
		Object value = this.message.getMessageProperties().getHeader(name.isEmpty() ? this.defaultHeader : name);
		return (value != null) ? value.toString() : null;
	}

}
