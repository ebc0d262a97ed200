package io.github.idempotency.spring.messaging.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaInboundMessageTest {

	@Test
	void headerIsReadAsUtf8TextAndTheLastValueWins() {
		ConsumerRecord<String, String> record = new ConsumerRecord<>("payments.requested", 0, 42, null, "{}");
		record.headers().add("message-id", "first".getBytes(StandardCharsets.UTF_8));
		record.headers().add("message-id", "pay-é1".getBytes(StandardCharsets.UTF_8));

		KafkaInboundMessage message = new KafkaInboundMessage(record, "Idempotency-Key");

		assertThat(message.header("message-id")).isEqualTo("pay-é1");
		assertThat(message.header("other")).isNull();
		assertThat(message.messageId()).isNull();
	}

	@Test
	void emptyHeaderNameReadsTheConfiguredDefault() {
		ConsumerRecord<String, String> record = new ConsumerRecord<>("payments.requested", 0, 42, null, "{}");
		record.headers().add("Idempotency-Key", "k-1".getBytes(StandardCharsets.UTF_8));

		assertThat(new KafkaInboundMessage(record, "Idempotency-Key").header("")).isEqualTo("k-1");
	}

	@Test
	void recordKeyIsQualifiedByItsTopic() {
		assertThat(new KafkaInboundMessage(new ConsumerRecord<>("orders", 1, 7, "order-9", "{}"), "h").recordKey())
			.isEqualTo("orders/order-9");
		assertThat(new KafkaInboundMessage(
				new ConsumerRecord<>("orders", 1, 7, "order-9".getBytes(StandardCharsets.UTF_8), "{}"), "h")
			.recordKey()).isEqualTo("orders/order-9");
		assertThat(new KafkaInboundMessage(new ConsumerRecord<>("orders", 1, 7, null, "{}"), "h").recordKey())
			.isNull();
	}

}
