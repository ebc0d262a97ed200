package io.github.idempotency.spring.messaging.amqp;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.messaging.AbstractIdempotentListenerIT;
import io.github.idempotency.spring.messaging.ConsumerStore;
import io.github.idempotency.spring.messaging.CountingDeliveryAdvice;
import io.github.idempotency.spring.messaging.amqp.PaymentsListenerApplication.PaymentsListener;
import org.junit.jupiter.api.Test;

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
abstract class AbstractRabbitIdempotentListenerIT extends AbstractIdempotentListenerIT {

	private final String queue = "idempotency-it." + getClass().getSimpleName() + "." + UUID.randomUUID();

	private RabbitTemplate rabbit;

	/**
	 * @param store the consumer's store
	 */
	protected AbstractRabbitIdempotentListenerIT(ConsumerStore store) {
		super(store);
	}

	@Override
	protected void assumeBrokerAvailable() {
		RabbitTestBroker.assumeAvailable();
	}

	@Override
	protected ConfigurableApplicationContext startApplication(List<String> storeProperties) {
		List<String> properties = new ArrayList<>(storeProperties);
		properties.add("test.queue=" + this.queue);
		properties.add("spring.rabbitmq.host=" + RabbitTestBroker.host());
		properties.add("spring.application.name=rabbit-listener-it");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PaymentsListenerApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
		this.rabbit = context.getBean(RabbitTemplate.class);
		return context;
	}

	@Override
	protected void cleanUpBroker(ConfigurableApplicationContext context) {
		context.getBean(RabbitListenerEndpointRegistry.class).stop();
		AmqpAdmin admin = context.getBean(AmqpAdmin.class);
		admin.deleteQueue(this.queue);
		admin.deleteQueue(this.queue + ".dlq");
		admin.deleteQueue(this.queue + ".quotes");
	}

	@Test
	void listenerExceptionIsRedeliveredAndChargesOnceWhenItSucceeds() {
		String id = newMessageId();
		publish(id, "unavailable-twice", false);

		await().atMost(PATIENCE).until(() -> psp().charges(id) == 1 && deliveries().ended(id) == 3);
		assertThat(psp().attempts(id)).isEqualTo(3);
		assertThat(psp().charges(id)).isEqualTo(1);
	}

	@Test
	void notRetryableFailureIsDeadLetteredOnceAndItsDuplicateSkipped() {
		String id = newMessageId();
		int before = deadLettered();
		publish(id, "decline", false);
		await().atMost(PATIENCE).until(() -> deadLettered() == before + 1);

		publish(id, "decline", false);
		awaitEnded(id, 2);
		assertThat(psp().attempts(id)).isEqualTo(1);
		assertThat(psp().charges(id)).isZero();
		assertThat(deadLettered()).isEqualTo(before + 1);
	}

	@Test
	void messageWithoutIdIsDeadLetteredInsteadOfRequeuedForever() {
		int before = deadLettered();
		publish(null, "charge", false);

		await().atMost(PATIENCE).until(() -> deadLettered() == before + 1);
		assertThat(deliveries().ended(PaymentsListenerApplication.NO_ID)).isEqualTo(1);
	}

	@Test
	void duplicateRequestGetsTheStoredReplyThroughSendTo() {
		String id = newMessageId();
		Object first = request(id, "1250 EUR");
		Object duplicate = request(id, "1250 EUR");

		assertThat(first).isNotNull().asString().startsWith("quote #").endsWith(" for 1250 EUR");
		assertThat(duplicate).isEqualTo(first);
		assertThat(context().getBean(PaymentsListenerApplication.QuotesListener.class).quotes()).isEqualTo(1);
	}

	@Test
	void listenerIdNamesTheEndpointOfItsMetrics() throws NoSuchMethodException {
		IdempotentMethodRegistry registry = context().getBean(IdempotentMethodRegistry.class);

		assertThat(registry
			.find(PaymentsListener.class.getMethod("onPayment", String.class, String.class), PaymentsListener.class)
			.orElseThrow()
			.endpoint()).isEqualTo("payments-listener");
	}

	private int consumers() {
		var info = context().getBean(AmqpAdmin.class).getQueueInfo(this.queue);
		return (info != null) ? info.getConsumerCount() : 0;
	}

	private int deadLettered() {
		var info = context().getBean(AmqpAdmin.class).getQueueInfo(this.queue + ".dlq");
		return (info != null) ? (int) info.getMessageCount() : -1;
	}

	@Override
	protected void publish(String messageId, String body, boolean loseFirstAck) {
		this.rabbit.convertAndSend("", this.queue, body, (message) -> {
			MessageProperties properties = message.getMessageProperties();
			properties.setMessageId(messageId);
			properties.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
			if (loseFirstAck) {
				properties.setHeader(CountingDeliveryAdvice.LOSE_ACK, true);
			}
			return message;
		});
	}

	// two consumers on one queue: the broker hands the copies round-robin to them, once both consume
	@Override
	protected void publishToBothConsumers(String messageId, String body) {
		await().atMost(PATIENCE).until(() -> consumers() == 2);
		publish(messageId, body, false);
		publish(messageId, body, false);
	}

	private Object request(String messageId, String body) {
		this.rabbit.setReplyTimeout(PATIENCE.toMillis());
		return this.rabbit.convertSendAndReceive("", this.queue + ".quotes", body, (message) -> {
			message.getMessageProperties().setMessageId(messageId);
			message.getMessageProperties().setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
			return message;
		});
	}

}
