package io.github.idempotency.sample.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's {@code rabbit} profile on the local RabbitMQ: a {@code payments.requested} event published three
 * times with one {@code message_id} charges the PSP once, as {@code docs/sample-app.md} shows by hand. Runs on a
 * queue of its own so that parallel runs cannot consume each other's events.
 */
class RabbitPaymentEventsIT {

	private static final String HOST = "127.0.0.1";

	private static final String QUEUE = "payments.requested.it-" + UUID.randomUUID();

	private static RunningApp app;

	private static CachingConnectionFactory connectionFactory;

	@BeforeAll
	static void start() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, 5672), 2000);
		}
		catch (IOException ex) {
			Assumptions.abort("No RabbitMQ on " + HOST + ":5672 (" + ex.getMessage() + "): start one with "
					+ "'rabbitmq-server -detached' (.ci/run does)");
		}
		app = RunningApp.start("rabbit", Map.of("sample.events.queue", QUEUE, "spring.rabbitmq.host", HOST));
		connectionFactory = new CachingConnectionFactory(HOST);
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		if (connectionFactory != null) {
			new RabbitAdmin(connectionFactory).deleteQueue(QUEUE);
			connectionFactory.destroy();
		}
	}

	@Test
	void eventPublishedThreeTimesChargesOnce() {
		ApiClient client = ApiClient.as(app, "alice");
		long before = client.pspAttempts();
		String messageId = "evt-" + UUID.randomUUID();
		for (int i = 0; i < 3; i++) {
			publish(messageId, "{\"amount\": 1250, \"currency\": \"EUR\", \"description\": \"coffee\"}");
		}
		// one listener thread takes the queue in order: once the next event is charged, the duplicates were handled
		publish("evt-" + UUID.randomUUID(), "{\"amount\": 300, \"currency\": \"EUR\", \"description\": \"tea\"}");

		await().atMost(Duration.ofSeconds(30)).until(() -> client.pspAttempts() >= before + 2);
		assertThat(client.pspAttempts()).isEqualTo(before + 2);
	}

	private static void publish(String messageId, String json) {
		new RabbitTemplate(connectionFactory).convertAndSend("", QUEUE, json, (message) -> {
			MessageProperties properties = message.getMessageProperties();
			properties.setMessageId(messageId);
			properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
			return message;
		});
	}

}
