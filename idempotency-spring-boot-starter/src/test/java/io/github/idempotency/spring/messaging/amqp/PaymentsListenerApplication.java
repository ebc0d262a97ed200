package io.github.idempotency.spring.messaging.amqp;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.spring.Idempotent;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.amqp.support.AmqpHeaders;
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
		return new FakePsp();
	}

	@Bean
	LostAcknowledgement lostAcknowledgement() {
		return new LostAcknowledgement();
	}

	@Bean
	PaymentsListener paymentsListener(FakePsp psp) {
		return new PaymentsListener(psp);
	}

	@Bean
	static BeanPostProcessor lostAcknowledgementInstaller(
			org.springframework.beans.factory.ObjectProvider<LostAcknowledgement> advice) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof BaseRabbitListenerContainerFactory<?> factory) {
					Advice[] chain = (factory.getAdviceChain() != null) ? factory.getAdviceChain() : new Advice[0];
					Advice[] extended = Arrays.copyOf(chain, chain.length + 1);
					extended[chain.length] = advice.getObject();
					factory.setAdviceChain(extended);
				}
				return bean;
			}

		};
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

	/** Counts every attempt and every charge per message id; a body tells it how to behave. */
	public static class FakePsp {

		private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

		private final Map<String, AtomicInteger> charges = new ConcurrentHashMap<>();

		private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

		void charge(String messageId, String body) throws InterruptedException {
			int attempt = count(this.attempts, messageId);
			if (body.equals("hold") && !hold(messageId).await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the hold of " + messageId + " was never released");
			}
			if (body.equals("unavailable-twice") && attempt <= 2) {
				throw new IllegalStateException("PSP unavailable (attempt " + attempt + ")");
			}
			if (body.equals("decline")) {
				throw new DeclinedException("declined " + messageId);
			}
			count(this.charges, messageId);
		}

		CountDownLatch hold(String messageId) {
			return this.holds.computeIfAbsent(messageId, (id) -> new CountDownLatch(1));
		}

		int attempts(String messageId) {
			return this.attempts.getOrDefault(messageId, new AtomicInteger()).get();
		}

		int charges(String messageId) {
			return this.charges.getOrDefault(messageId, new AtomicInteger()).get();
		}

		private static int count(Map<String, AtomicInteger> counters, String messageId) {
			return counters.computeIfAbsent(messageId, (id) -> new AtomicInteger()).incrementAndGet();
		}

	}

	/**
	 * Innermost container advice: counts deliveries per message id as they arrive and as they end, and for a message
	 * with {@link #LOSE_ACK} fails its first (not redelivered) delivery after the listener returned, as if the
	 * acknowledgement was lost (the container rejects and requeues it).
	 */
	public static class LostAcknowledgement implements MethodInterceptor {

		private final Map<String, AtomicInteger> arrived = new ConcurrentHashMap<>();

		private final Map<String, AtomicInteger> ended = new ConcurrentHashMap<>();

		private final Map<String, Runnable> onArrival = new ConcurrentHashMap<>();

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			Message message = (Message) invocation.getArguments()[1];
			String id = (message.getMessageProperties().getMessageId() != null)
					? message.getMessageProperties().getMessageId() : NO_ID;
			this.arrived.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			this.onArrival.getOrDefault(id, () -> {
			}).run();
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
				this.ended.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			}
		}

		void onArrival(String messageId, Runnable action) {
			this.onArrival.put(messageId, action);
		}

		int arrived(String messageId) {
			return this.arrived.getOrDefault(messageId, new AtomicInteger()).get();
		}

		int ended(String messageId) {
			return this.ended.getOrDefault(messageId, new AtomicInteger()).get();
		}

	}

}
