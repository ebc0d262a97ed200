package io.github.idempotency.spring.messaging.amqp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.messaging.amqp.PaymentsListenerApplication.FakePsp;
import io.github.idempotency.spring.messaging.amqp.PaymentsListenerApplication.LostAcknowledgement;
import io.github.idempotency.spring.messaging.amqp.PaymentsListenerApplication.PaymentsListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code @Idempotent} {@code @RabbitListener} on a real RabbitMQ, with one store per subclass: duplicates,
 * redeliveries and concurrent deliveries charge once per message id, failures are retried or dead-lettered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRabbitIdempotentListenerIT {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private final String queue = "idempotency-it." + getClass().getSimpleName() + "." + UUID.randomUUID();

	private ConfigurableApplicationContext context;

	private RabbitTemplate rabbit;

	private FakePsp psp;

	private LostAcknowledgement deliveries;

	/** {@return the store's properties} */
	protected abstract List<String> storeProperties();

	/** Removes what the store kept of this class's run. */
	protected void cleanUpStore() {
	}

	// before each test, not once for the class: a test skipped there is reported as skipped, with the reason
	@BeforeEach
	void startConsumer() {
		RabbitTestBroker.assumeAvailable();
		if (this.context != null) {
			return;
		}
		List<String> properties = new ArrayList<>(storeProperties());
		properties.add("test.queue=" + this.queue);
		properties.add("spring.rabbitmq.host=" + RabbitTestBroker.host());
		properties.add("spring.application.name=rabbit-listener-it");
		this.context = new SpringApplicationBuilder(PaymentsListenerApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
		this.rabbit = this.context.getBean(RabbitTemplate.class);
		this.psp = this.context.getBean(FakePsp.class);
		this.deliveries = this.context.getBean(LostAcknowledgement.class);
	}

	@AfterAll
	void stopConsumer() {
		if (this.context == null) {
			return;
		}
		this.context.getBean(RabbitListenerEndpointRegistry.class).stop();
		AmqpAdmin admin = this.context.getBean(AmqpAdmin.class);
		admin.deleteQueue(this.queue);
		admin.deleteQueue(this.queue + ".dlq");
		admin.deleteQueue(this.queue + ".quotes");
		this.context.close();
		cleanUpStore();
	}

	@Test
	void sameMessagePublishedThreeTimesAndRedeliveredChargesOnce() {
		String id = newMessageId();
		publish(id, "charge", true);
		publish(id, "charge", false);
		publish(id, "charge", false);

		// three publications, and the first delivered twice because its acknowledgement was lost
		awaitEnded(id, 4);
		assertThat(this.psp.attempts(id)).isEqualTo(1);
		assertThat(this.psp.charges(id)).isEqualTo(1);
	}

	@Test
	void twoConsumersReceivingTheSameMessageAtOnceExecuteOnce() {
		String id = newMessageId();
		// the first delivery holds its charge open until the second one has arrived at the other consumer
		this.deliveries.onArrival(id, () -> {
			if (this.deliveries.arrived(id) >= 2) {
				this.psp.hold(id).countDown();
			}
		});
		publish(id, "hold", false);
		publish(id, "hold", false);

		awaitEnded(id, 2);
		assertThat(this.psp.attempts(id)).isEqualTo(1);
		assertThat(this.psp.charges(id)).isEqualTo(1);
	}

	@Test
	void listenerExceptionIsRedeliveredAndChargesOnceWhenItSucceeds() {
		String id = newMessageId();
		publish(id, "unavailable-twice", false);

		await().atMost(PATIENCE).until(() -> this.psp.charges(id) == 1 && this.deliveries.ended(id) == 3);
		assertThat(this.psp.attempts(id)).isEqualTo(3);
		assertThat(this.psp.charges(id)).isEqualTo(1);
	}

	@Test
	void notRetryableFailureIsDeadLetteredOnceAndItsDuplicateSkipped() {
		String id = newMessageId();
		int before = deadLettered();
		publish(id, "decline", false);
		await().atMost(PATIENCE).until(() -> deadLettered() == before + 1);

		publish(id, "decline", false);
		awaitEnded(id, 2);
		assertThat(this.psp.attempts(id)).isEqualTo(1);
		assertThat(this.psp.charges(id)).isZero();
		assertThat(deadLettered()).isEqualTo(before + 1);
	}

	@Test
	void messageWithoutIdIsDeadLetteredInsteadOfRequeuedForever() {
		int before = deadLettered();
		publish(null, "charge", false);

		await().atMost(PATIENCE).until(() -> deadLettered() == before + 1);
		assertThat(this.deliveries.ended(PaymentsListenerApplication.NO_ID)).isEqualTo(1);
	}

	@Test
	void duplicateRequestGetsTheStoredReplyThroughSendTo() {
		String id = newMessageId();
		Object first = request(id, "1250 EUR");
		Object duplicate = request(id, "1250 EUR");

		assertThat(first).isNotNull().asString().startsWith("quote #").endsWith(" for 1250 EUR");
		assertThat(duplicate).isEqualTo(first);
		assertThat(this.context.getBean(PaymentsListenerApplication.QuotesListener.class).quotes()).isEqualTo(1);
	}

	@Test
	void listenerIdNamesTheEndpointOfItsMetrics() throws NoSuchMethodException {
		IdempotentMethodRegistry registry = this.context.getBean(IdempotentMethodRegistry.class);

		assertThat(registry
			.find(PaymentsListener.class.getMethod("onPayment", String.class, String.class), PaymentsListener.class)
			.orElseThrow()
			.endpoint()).isEqualTo("payments-listener");
	}

	private void awaitEnded(String id, int deliveries) {
		await().atMost(PATIENCE).until(() -> this.deliveries.ended(id) >= deliveries);
		assertThat(this.deliveries.ended(id)).isEqualTo(deliveries);
	}

	private int deadLettered() {
		var info = this.context.getBean(AmqpAdmin.class).getQueueInfo(this.queue + ".dlq");
		return (info != null) ? (int) info.getMessageCount() : -1;
	}

	private void publish(String messageId, String body, boolean loseFirstAck) {
		this.rabbit.convertAndSend("", this.queue, body, (message) -> {
			MessageProperties properties = message.getMessageProperties();
			properties.setMessageId(messageId);
			properties.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
			if (loseFirstAck) {
				properties.setHeader(PaymentsListenerApplication.LOSE_ACK, true);
			}
			return message;
		});
	}

	private Object request(String messageId, String body) {
		this.rabbit.setReplyTimeout(PATIENCE.toMillis());
		return this.rabbit.convertSendAndReceive("", this.queue + ".quotes", body, (message) -> {
			message.getMessageProperties().setMessageId(messageId);
			message.getMessageProperties().setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
			return message;
		});
	}

	private static String newMessageId() {
		return "msg-" + UUID.randomUUID();
	}

}
