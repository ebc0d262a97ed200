package io.github.idempotency.spring.messaging.amqp;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.messaging.CountingDeliveryAdvice;
import io.github.idempotency.spring.messaging.DeliveryCounts;
import io.github.idempotency.spring.messaging.FakePsp;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.listener.ListenerExecutionFailedException;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;

/**
 * A payments consumer on a real RabbitMQ: an {@code @Idempotent} {@code @RabbitListener} keyed by the AMQP
 * {@code message_id}, a fake PSP that counts attempts and charges per message id, and a container advice that can
 * lose the acknowledgement of a delivery after the listener finished, so that the broker redelivers it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@Import({ DeliveryCounts.class, PaymentsListenerApplication.LostAcknowledgement.class,
		PaymentsListenerApplication.PaymentsListener.class, PaymentsListenerApplication.QuotesListener.class })
public class PaymentsListenerApplication {

	/** Where {@link LostAcknowledgement} counts the deliveries of messages without a message id. */
	static final String NO_ID = "(no message id)";

	@Bean
	Queue paymentsQueue(@Value("${test.queue}") String queue) {
		return QueueBuilder.nonDurable(queue).deadLetterExchange("").deadLetterRoutingKey(queue + ".dlq").build();
	}

	@Bean
	Queue deadLetterQueue(@Value("${test.queue}") String queue) {
		return QueueBuilder.nonDurable(queue + ".dlq").build();
	}

	@Bean
	Queue quotesQueue(@Value("${test.queue}") String queue) {
		return QueueBuilder.nonDurable(queue + ".quotes").build();
	}

	@Bean
	FakePsp fakePsp() {
		return new FakePsp(DeclinedException::new);
	}

	@Bean
	static BeanPostProcessor lostAcknowledgementInstaller(ObjectProvider<LostAcknowledgement> advice) {
		return new InnermostRabbitAdvice(advice);
	}

	/** The PSP fails for good: the payment is declined, the message is dead-lettered, never retried. */
	static class DeclinedException extends AmqpRejectAndDontRequeueException {

		DeclinedException(String message) {
			super(message);
		}

	}

	public static class PaymentsListener {

		private final FakePsp psp;

		PaymentsListener(FakePsp psp) {
			this.psp = psp;
		}

		@RabbitListener(id = "payments-listener", queues = "${test.queue}", concurrency = "2")
		@Idempotent(keySource = Idempotent.KeySource.MESSAGE_ID, scope = Idempotent.Scope.GLOBAL,
				onConflict = Idempotent.OnConflict.WAIT, noRetryFor = DeclinedException.class)
		public void onPayment(String body, @Header(name = AmqpHeaders.MESSAGE_ID, required = false) String messageId)
				throws Exception {
			this.psp.charge(messageId, body);
		}

	}

	/** Answers requests with a quote through {@code @SendTo}: a duplicate gets the stored reply. */
	public static class QuotesListener {

		private final AtomicInteger quotes = new AtomicInteger();

		@RabbitListener(id = "quotes-listener", queues = "${test.queue}.quotes")
		@SendTo
		@Idempotent(keySource = Idempotent.KeySource.MESSAGE_ID, scope = Idempotent.Scope.GLOBAL)
		public String quote(String request) {
			return "quote #" + this.quotes.incrementAndGet() + " for " + request;
		}

		int quotes() {
			return this.quotes.get();
		}

	}

	/**
	 * Innermost container advice: counts deliveries per message id, and fails the first (not redelivered) delivery of
	 * a message with {@link CountingDeliveryAdvice#LOSE_ACK} after the listener returned, as if the acknowledgement was
	 * lost (the container rejects and requeues it).
	 */
	public static class LostAcknowledgement extends CountingDeliveryAdvice {

		LostAcknowledgement(DeliveryCounts deliveries) {
			super(deliveries);
		}

		@Override
		protected String messageId(Object[] arguments) {
			String id = message(arguments).getMessageProperties().getMessageId();
			return (id != null) ? id : NO_ID;
		}

		// the broker marks the redelivery, so only the marked copy's first delivery loses its acknowledgement
		@Override
		protected boolean losesAcknowledgement(Object[] arguments) {
			MessageProperties properties = message(arguments).getMessageProperties();
			return properties.getHeader(LOSE_ACK) != null && !properties.isRedelivered();
		}

		// any other exception from a container advice makes the container restart its consumer: until the new one
		// consumes, the queue has one consumer, and deliveries meant for two consumers meet at one
		@Override
		protected RuntimeException acknowledgementLost(String messageId, Object[] arguments) {
			return new ListenerExecutionFailedException("acknowledgement of " + messageId + " lost",
					new IllegalStateException("lost acknowledgement"), message(arguments));
		}

		private static Message message(Object[] arguments) {
			return (Message) arguments[1];
		}

	}

}
