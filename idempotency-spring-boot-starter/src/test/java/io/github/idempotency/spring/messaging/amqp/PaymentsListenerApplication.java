package io.github.idempotency.spring.messaging.amqp;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.messaging.DeliveryCounts;
import io.github.idempotency.spring.messaging.FakePsp;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
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
public class PaymentsListenerApplication {

	/** Header that makes {@link LostAcknowledgement} fail the first delivery after the listener ran. */
	static final String LOSE_ACK = "x-test-lose-ack";

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
	QuotesListener quotesListener() {
		return new QuotesListener();
	}

	@Bean
	FakePsp fakePsp() {
		return new FakePsp(DeclinedException::new);
	}

	@Bean
	DeliveryCounts deliveryCounts() {
		return new DeliveryCounts();
	}

	@Bean
	LostAcknowledgement lostAcknowledgement(DeliveryCounts deliveries) {
		return new LostAcknowledgement(deliveries);
	}

	@Bean
	PaymentsListener paymentsListener(FakePsp psp) {
		return new PaymentsListener(psp);
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
	 * Innermost container advice: counts deliveries per message id as they arrive and as they end, and for a message
	 * with {@link #LOSE_ACK} fails its first (not redelivered) delivery after the listener returned, as if the
	 * acknowledgement was lost (the container rejects and requeues it).
	 */
	public static class LostAcknowledgement implements MethodInterceptor {

		private final DeliveryCounts deliveries;

		LostAcknowledgement(DeliveryCounts deliveries) {
			this.deliveries = deliveries;
		}

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			Message message = (Message) invocation.getArguments()[1];
			String id = (message.getMessageProperties().getMessageId() != null)
					? message.getMessageProperties().getMessageId() : NO_ID;
			this.deliveries.arrive(id);
			try {
				Object result = invocation.proceed();
				// the broker marks the redelivery, so only the marked copy's first delivery loses its acknowledgement
				if (message.getMessageProperties().getHeader(LOSE_ACK) != null
						&& !message.getMessageProperties().isRedelivered()) {
					throw new IllegalStateException("acknowledgement of " + id + " lost");
				}
				return result;
			}
			finally {
				this.deliveries.end(id);
			}
		}

	}

}
