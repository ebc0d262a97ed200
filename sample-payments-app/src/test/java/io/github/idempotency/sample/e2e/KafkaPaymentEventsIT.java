package io.github.idempotency.sample.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.spring.messaging.kafka.KafkaTestBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's {@code kafka} profile: a {@code payments.requested} record published three times with one
 * {@code message-id} header charges the PSP once, as {@code docs/sample-app.md} shows by hand. The broker is the
 * embedded KRaft broker of spring-kafka-test (this machine runs no Kafka), and the topic is one of its own.
 */
class KafkaPaymentEventsIT {

	private static final String TOPIC = "payments.requested.it-" + UUID.randomUUID();

	private static RunningApp app;

	private static KafkaProducer<String, String> producer;

	@BeforeAll
	static void start() {
		String bootstrapServers = KafkaTestBroker.bootstrapServers();
		app = RunningApp.start("kafka",
				Map.of("sample.events.topic", TOPIC, "spring.kafka.bootstrap-servers", bootstrapServers));
		producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
				new StringSerializer(), new StringSerializer());
	}

	@AfterAll
	static void stop() {
		if (producer != null) {
			producer.close();
		}
		if (app != null) {
			app.close();
		}
	}

	@Test
	void eventPublishedThreeTimesChargesOnce() throws Exception {
		ApiClient client = ApiClient.as(app, "alice");
		long before = client.pspAttempts();
		String messageId = "evt-" + UUID.randomUUID();
		for (int i = 0; i < 3; i++) {
			publish(messageId, "{\"amount\": 1250, \"currency\": \"EUR\", \"description\": \"coffee\"}");
		}
		// one partition is consumed in order: once the next event on it is charged, the duplicates were handled
		publish("evt-" + UUID.randomUUID(), "{\"amount\": 300, \"currency\": \"EUR\", \"description\": \"tea\"}");

		await().atMost(Duration.ofSeconds(60)).until(() -> client.pspAttempts() >= before + 2);
		assertThat(client.pspAttempts()).isEqualTo(before + 2);
	}

	private static void publish(String messageId, String json) throws Exception {
		ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, 0, null, json);
		record.headers().add("message-id", messageId.getBytes(StandardCharsets.UTF_8));
		producer.send(record).get(30, TimeUnit.SECONDS);
	}

}
