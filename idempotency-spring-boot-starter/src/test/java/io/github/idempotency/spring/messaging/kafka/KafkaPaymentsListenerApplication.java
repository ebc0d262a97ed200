package io.github.idempotency.spring.messaging.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.messaging.CountingDeliveryAdvice;
import io.github.idempotency.spring.messaging.DeliveryCounts;
import io.github.idempotency.spring.messaging.FakePsp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractConsumerSeekAware;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.util.backoff.FixedBackOff;

/**
 * A payments consumer on an embedded Kafka broker: an {@code @Idempotent} {@code @KafkaListener} keyed by the
 * {@code message-id} header, a fake PSP that counts attempts and charges per message id, a dead-letter topic fed by
 * Spring Kafka's own {@code DeadLetterPublishingRecoverer}, and a container advice that can fail a delivery after the
 * listener finished, so that the error handler seeks back and the record is delivered again.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@Import({ DeliveryCounts.class, KafkaPaymentsListenerApplication.DeliveryCounter.class,
		KafkaPaymentsListenerApplication.PaymentsListener.class, KafkaPaymentsListenerApplication.OrdersListener.class,
		KafkaPaymentsListenerApplication.QuotesListener.class, KafkaPaymentsListenerApplication.Observed.class })
public class KafkaPaymentsListenerApplication {

	/** The header that carries the message id. */
	static final String MESSAGE_ID = "message-id";

	@Bean
	FakePsp fakePsp() {
		return new FakePsp(DeclinedException::new);
	}

	/**
	 * Boot applies this error handler to its container factory: quick retries, then the dead-letter topic
	 * {@code <topic>.dlt}, on the record's own partition so that dead letters keep the order of their records.
	 */
	@Bean
	DefaultErrorHandler errorHandler(KafkaTemplate<?, ?> template) {
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
				(record, failure) -> new TopicPartition(record.topic() + ".dlt", record.partition()));
		return new DefaultErrorHandler(recoverer, new FixedBackOff(0, 4));
	}

	@Bean
	static BeanPostProcessor deliveryCounterInstaller(ObjectProvider<DeliveryCounter> counter) {
		return new InnermostKafkaAdvice(counter);
	}

	/** The PSP declines for good: the record is dead-lettered, never retried. */
	static class DeclinedException extends RuntimeException {

		DeclinedException(String message) {
			super(message);
		}

	}

	/** Charges once per {@code message-id} header; its partitions can be sought back. */
	public static class PaymentsListener extends AbstractConsumerSeekAware {

		private final FakePsp psp;

		PaymentsListener(FakePsp psp) {
			this.psp = psp;
		}

		@KafkaListener(id = "payments-listener", topics = "${test.topic}", concurrency = "2")
		@Idempotent(keySource = Idempotent.KeySource.HEADER, header = MESSAGE_ID, scope = Idempotent.Scope.GLOBAL,
				onConflict = Idempotent.OnConflict.WAIT, noRetryFor = DeclinedException.class)
		public void onPayment(ConsumerRecord<String, String> record) throws InterruptedException {
			this.psp.charge(DeliveryCounter.idOf(record), record.value());
		}

		/** Moves the consumer of a partition back to an offset, as an operator's replay would. */
		void seek(TopicPartition partition, long offset) {
			List<ConsumerSeekCallback> callbacks = getSeekCallbacksFor(partition);
			if (callbacks == null || callbacks.isEmpty()) {
				throw new IllegalStateException(partition + " is not assigned to the payments listener");
			}
			callbacks.forEach((callback) -> callback.seek(partition.topic(), partition.partition(), offset));
		}

	}

	/** Runs once per record key on its topic. */
	public static class OrdersListener {

		private final FakePsp psp;

		OrdersListener(FakePsp psp) {
			this.psp = psp;
		}

		@KafkaListener(id = "orders-listener", topics = "${test.topic}.orders")
		@Idempotent(keySource = Idempotent.KeySource.RECORD_KEY, scope = Idempotent.Scope.GLOBAL)
		public void onOrder(@Header(KafkaHeaders.RECEIVED_KEY) String key, String body) throws InterruptedException {
			this.psp.charge(key, body);
		}

	}

	/** Answers requests with a quote through {@code @SendTo}: a duplicate gets the stored reply. */
	public static class QuotesListener {

		private final AtomicInteger quotes = new AtomicInteger();

		@KafkaListener(id = "quotes-listener", topics = "${test.topic}.quotes")
		@SendTo("${test.topic}.replies")
		@Idempotent(keySource = Idempotent.KeySource.HEADER, header = MESSAGE_ID, scope = Idempotent.Scope.GLOBAL)
		public String quote(String request) {
			return "quote #" + this.quotes.incrementAndGet() + " for " + request;
		}

		int quotes() {
			return this.quotes.get();
		}

	}

	/** What arrives on the dead-letter and reply topics, each a plain (not idempotent) listener. */
	public static class Observed {

		private final Map<String, AtomicInteger> deadLetters = new ConcurrentHashMap<>();

		private final List<String> replies = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "dead-letters", topics = "${test.topic}.dlt")
		public void onDeadLetter(ConsumerRecord<String, String> record) {
			this.deadLetters.computeIfAbsent(DeliveryCounter.idOf(record), (id) -> new AtomicInteger())
				.incrementAndGet();
		}

		@KafkaListener(id = "replies", topics = "${test.topic}.replies")
		public void onReply(String reply) {
			this.replies.add(reply);
		}

		int deadLetters(String id) {
			return this.deadLetters.getOrDefault(id, new AtomicInteger()).get();
		}

		List<String> replies(String request) {
			return this.replies.stream().filter((reply) -> reply.endsWith(" for " + request)).toList();
		}

	}

	/**
	 * Innermost container advice: counts deliveries to the listeners under test per message id (the
	 * {@code message-id} header, else the record key, else the body) as they arrive and as they end, and fails the
	 * first delivery of a record marked {@link CountingDeliveryAdvice#LOSE_ACK} after the listener returned, as if the
	 * consumer died before committing its offset: the error handler seeks back and the record is delivered again.
	 */
	public static class DeliveryCounter extends CountingDeliveryAdvice {

		private final Map<String, Boolean> lostAcknowledgements = new ConcurrentHashMap<>();

		DeliveryCounter(DeliveryCounts deliveries) {
			super(deliveries);
		}

		@Override
		protected @Nullable String messageId(Object[] arguments) {
			if (arguments.length == 0 || !(arguments[0] instanceof ConsumerRecord<?, ?> record)
					|| isObserved(record.topic())) {
				return null;
			}
			return idOf(record);
		}

		// Kafka does not mark a redelivery: the record's position tells whether its first delivery already failed
		@Override
		protected boolean losesAcknowledgement(Object[] arguments) {
			ConsumerRecord<?, ?> record = (ConsumerRecord<?, ?>) arguments[0];
			String position = record.topic() + "-" + record.partition() + "@" + record.offset();
			return record.headers().lastHeader(LOSE_ACK) != null
					&& this.lostAcknowledgements.putIfAbsent(position, true) == null;
		}

		// dead letters and replies carry the message id too, but are not deliveries of the listeners under test
		private static boolean isObserved(String topic) {
			return topic.endsWith(".dlt") || topic.endsWith(".replies");
		}

		static String idOf(ConsumerRecord<?, ?> record) {
			org.apache.kafka.common.header.Header header = record.headers().lastHeader(MESSAGE_ID);
			if (header != null) {
				return new String(header.value(), StandardCharsets.UTF_8);
			}
			return String.valueOf((record.key() != null) ? record.key() : record.value());
		}

	}

}
