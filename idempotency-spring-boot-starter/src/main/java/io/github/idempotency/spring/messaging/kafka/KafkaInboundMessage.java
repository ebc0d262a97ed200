package io.github.idempotency.spring.messaging.kafka;

import java.nio.charset.StandardCharsets;

import io.github.idempotency.spring.messaging.InboundMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka record as an {@link InboundMessage}: its headers and its key on its topic. It remembers what
 * {@code @Idempotent} decided about it, for {@link KafkaRecordBinding} to act on once the listener returns.
 */
final class KafkaInboundMessage implements InboundMessage {

	private final ConsumerRecord<?, ?> record;

	private final String defaultHeader;

	private boolean skipped;

	private boolean failedForGood;

	KafkaInboundMessage(ConsumerRecord<?, ?> record, String defaultHeader) {
		this.record = record;
		this.defaultHeader = defaultHeader;
	}

	@Override
	public String broker() {
		return "Kafka";
	}

	@Override
	public @Nullable String messageId() {
		return null;
	}

	@Override
	public @Nullable String header(String name) {
		Header header = this.record.headers().lastHeader(name.isEmpty() ? this.defaultHeader : name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	@Override
	public @Nullable String recordKey() {
		Object key = this.record.key();
		if (key == null) {
			return null;
		}
		String text = (key instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : key.toString();
		// topic names cannot contain '/', so the topic and the key never run into each other
		return this.record.topic() + "/" + text;
	}

	@Override
	public void skipped() {
		this.skipped = true;
	}

	@Override
	public void failedForGood() {
		this.failedForGood = true;
	}

	boolean wasSkipped() {
		return this.skipped;
	}

	boolean hasFailedForGood() {
		return this.failedForGood;
	}

}
