package io.github.idempotency.spring.messaging.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.messaging.AbstractIdempotentListenerIT;
import io.github.idempotency.spring.messaging.ConsumerStore;
import io.github.idempotency.spring.messaging.CountingDeliveryAdvice;
import io.github.idempotency.spring.messaging.kafka.KafkaPaymentsListenerApplication.Observed;
import io.github.idempotency.spring.messaging.kafka.KafkaPaymentsListenerApplication.PaymentsListener;
import io.github.idempotency.spring.metrics.IdempotencyMetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code @Idempotent} {@code @KafkaListener} on an embedded KRaft broker, with one store per subclass:
 * duplicates, redeliveries (after a failure, and after a seek) and concurrent deliveries charge once per message id,
 * failures are retried or dead-lettered once.
 */
abstract class AbstractKafkaIdempotentListenerIT extends AbstractIdempotentListenerIT {

	private final String topic = "idempotency-it." + getClass().getSimpleName() + "." + UUID.randomUUID();

	private KafkaTemplate<String, String> kafka;

	private Observed observed;

	/**
	 * @param store the consumer's store
	 */
	protected AbstractKafkaIdempotentListenerIT(ConsumerStore store) {
		super(store);
	}

	@Override
	@SuppressWarnings("unchecked")
	protected ConfigurableApplicationContext startApplication(List<String> storeProperties) {
		KafkaTestBroker.createTopics(this.topic, this.topic + ".dlt", this.topic + ".orders",
				this.topic + ".quotes", this.topic + ".replies");
		List<String> properties = new ArrayList<>(storeProperties);
		properties.add("test.topic=" + this.topic);
		properties.add("spring.kafka.bootstrap-servers=" + KafkaTestBroker.bootstrapServers());
		properties.add("spring.kafka.consumer.auto-offset-reset=earliest");
		properties.add("spring.application.name=kafka-listener-it");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(KafkaPaymentsListenerApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
		this.kafka = context.getBean(KafkaTemplate.class);
		this.observed = context.getBean(Observed.class);
		awaitAssignments(context);
		return context;
	}

	@Test
	void seekingBackRedeliversWithoutChargingAgain() {
		String id = newMessageId();
		RecordMetadata first = publishPayment(id, "charge", false);
		awaitEnded(id, 1);

		context().getBean(PaymentsListener.class)
			.seek(new TopicPartition(first.topic(), first.partition()), first.offset());

		awaitEnded(id, 2);
		assertThat(psp().attempts(id)).isEqualTo(1);
		assertThat(psp().charges(id)).isEqualTo(1);
	}

	@Test
	void listenerExceptionIsRedeliveredAndChargesOnceWhenItSucceeds() {
		String id = newMessageId();
		publish(id, "unavailable-twice", false);

		await().atMost(PATIENCE).until(() -> psp().charges(id) == 1 && deliveries().ended(id) == 3);
		assertThat(psp().attempts(id)).isEqualTo(3);
		assertThat(psp().charges(id)).isEqualTo(1);
		assertThat(this.observed.deadLetters(id)).isZero();
	}

	@Test
	void notRetryableFailureIsDeadLetteredOnceAndItsDuplicateSkipped() {
		String id = newMessageId();
		send(new ProducerRecord<>(this.topic, 0, null, "decline"), id);
		await().atMost(PATIENCE).until(() -> this.observed.deadLetters(id) == 1);
		assertThat(deliveries().ended(id)).isEqualTo(1);

		send(new ProducerRecord<>(this.topic, 0, null, "decline"), id);
		// a dead letter of the duplicate would come before the marker's: same partition, same dead-letter partition
		String marker = newMessageId();
		send(new ProducerRecord<>(this.topic, 0, null, "decline"), marker);
		await().atMost(PATIENCE).until(() -> this.observed.deadLetters(marker) == 1);

		assertThat(deliveries().ended(id)).isEqualTo(2);
		assertThat(psp().attempts(id)).isEqualTo(1);
		assertThat(psp().charges(id)).isZero();
		assertThat(this.observed.deadLetters(id)).isEqualTo(1);
	}

	@Test
	void recordWithoutKeyIsDeadLetteredOnceWithoutRetries() {
		String body = "charge-without-id-" + UUID.randomUUID();
		send(new ProducerRecord<>(this.topic, 0, null, body), null);

		await().atMost(PATIENCE).until(() -> this.observed.deadLetters(body) == 1);
		assertThat(deliveries().ended(body)).isEqualTo(1);
		assertThat(psp().attempts(body)).isZero();
	}

	@Test
	void recordKeyOnItsTopicIsTheMessageId() {
		String orderKey = "order-" + UUID.randomUUID();
		for (int i = 0; i < 3; i++) {
			send(new ProducerRecord<>(this.topic + ".orders", orderKey, "charge"), null);
		}

		awaitEnded(orderKey, 3);
		assertThat(psp().attempts(orderKey)).isEqualTo(1);
		assertThat(psp().charges(orderKey)).isEqualTo(1);
	}

	@Test
	void duplicateRequestGetsTheStoredReplyThroughSendTo() {
		String id = newMessageId();
		String request = "1250 EUR " + id;
		send(new ProducerRecord<>(this.topic + ".quotes", request), id);
		send(new ProducerRecord<>(this.topic + ".quotes", request), id);

		await().atMost(PATIENCE).until(() -> this.observed.replies(request).size() == 2);
		List<String> replies = this.observed.replies(request);
		assertThat(replies.get(0)).startsWith("quote #").endsWith(" for " + request);
		assertThat(replies.get(1)).isEqualTo(replies.get(0));
		assertThat(context().getBean(KafkaPaymentsListenerApplication.QuotesListener.class).quotes()).isEqualTo(1);
	}

	@Test
	void listenerIdNamesTheEndpointOfItsMetrics() throws NoSuchMethodException {
		String id = newMessageId();
		publish(id, "charge", false);
		publish(id, "charge", false);
		awaitEnded(id, 2);

		IdempotentMethodRegistry registry = context().getBean(IdempotentMethodRegistry.class);
		assertThat(registry
			.find(PaymentsListener.class.getMethod("onPayment", ConsumerRecord.class), PaymentsListener.class)
			.orElseThrow()
			.endpoint()).isEqualTo("payments-listener");
		assertThat(context().getBean(MeterRegistry.class)
			.find(IdempotencyMetricNames.REQUESTS)
			.tag(IdempotencyMetricNames.TAG_ENDPOINT, "payments-listener")
			.counters()).isNotEmpty();
	}

	private void awaitAssignments(ConfigurableApplicationContext context) {
		KafkaListenerEndpointRegistry registry = context.getBean(KafkaListenerEndpointRegistry.class);
		// two partitions, two consumers: one each, so that copies on both partitions are delivered at once
		ConcurrentMessageListenerContainer<?, ?> payments = (ConcurrentMessageListenerContainer<?, ?>) registry
			.getListenerContainer("payments-listener");
		await().atMost(PATIENCE)
			.until(() -> payments.getContainers().size() == 2 && payments.getContainers()
				.stream()
				.allMatch((child) -> child.getAssignedPartitions() != null
						&& child.getAssignedPartitions().size() == 1));
		for (MessageListenerContainer container : registry.getListenerContainers()) {
			await().atMost(PATIENCE)
				.until(() -> container.getAssignedPartitions() != null
						&& container.getAssignedPartitions().size() == 2);
		}
	}

	@Override
	protected void publish(String messageId, String body, boolean loseFirstAck) {
		publishPayment(messageId, body, loseFirstAck);
	}

	// one copy on each partition, so each of the two consumers gets one
	@Override
	protected void publishToBothConsumers(String messageId, String body) {
		send(new ProducerRecord<>(this.topic, 0, null, body), messageId);
		send(new ProducerRecord<>(this.topic, 1, null, body), messageId);
	}

	private RecordMetadata publishPayment(String messageId, String body, boolean loseFirstAck) {
		ProducerRecord<String, String> record = new ProducerRecord<>(this.topic, body);
		if (loseFirstAck) {
			record.headers().add(CountingDeliveryAdvice.LOSE_ACK, new byte[] { 1 });
		}
		return send(record, messageId);
	}

	private RecordMetadata send(ProducerRecord<String, String> record, @Nullable String messageId) {
		if (messageId != null) {
			record.headers()
				.add(KafkaPaymentsListenerApplication.MESSAGE_ID, messageId.getBytes(StandardCharsets.UTF_8));
		}
		try {
			return this.kafka.send(record).get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getRecordMetadata();
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not publish to " + record.topic(), ex);
		}
	}

}
