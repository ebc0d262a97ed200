package io.github.idempotency.spring.messaging.kafka;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which key sources a listener may use is checked at start-up, naming the method.
 */
class KafkaListenerKeySourceTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
		.withPropertyValues("idempotency.store=memory");

	@Test
	void kafkaListenerMayReadAHeaderOrTheRecordKey() {
		this.runner.withBean(HeaderAndRecordKey.class).run((context) -> {
			assertThat(context).hasNotFailed();
			IdempotentMethodRegistry registry = context.getBean(IdempotentMethodRegistry.class);
			assertThat(registry.methods()).extracting((method) -> method.endpoint())
				.containsExactly("by-header", "by-record-key");
		});
	}

	@Test
	void kafkaListenerCannotUseAMessageId() {
		this.runner.withBean(MessageIdOnKafka.class).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("MessageIdOnKafka.onRecord")
			.hasMessageContaining("Kafka records have no message id"));
	}

	@Test
	void rabbitListenerCannotUseARecordKey() {
		this.runner.withBean(RecordKeyOnRabbit.class).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("RecordKeyOnRabbit.onMessage")
			.hasMessageContaining("cannot take its key from RECORD_KEY"));
	}

	static class HeaderAndRecordKey {

		@KafkaListener(id = "by-header", topics = "payments.requested")
		@Idempotent(keySource = Idempotent.KeySource.HEADER, header = "message-id", scope = Idempotent.Scope.GLOBAL)
		public void onPayment(String body) {
		}

		@KafkaListener(id = "by-record-key", topics = "orders")
		@Idempotent(keySource = Idempotent.KeySource.RECORD_KEY, scope = Idempotent.Scope.GLOBAL)
		public void onOrder(ConsumerRecord<String, String> record) {
		}

	}

	static class MessageIdOnKafka {

		@KafkaListener(topics = "payments.requested")
		@Idempotent(keySource = Idempotent.KeySource.MESSAGE_ID, scope = Idempotent.Scope.GLOBAL)
		public void onRecord(String body) {
		}

	}

	static class RecordKeyOnRabbit {

		@RabbitListener(queues = "payments.requested")
		@Idempotent(keySource = Idempotent.KeySource.RECORD_KEY, scope = Idempotent.Scope.GLOBAL)
		public void onMessage(String body) {
		}

	}

}
