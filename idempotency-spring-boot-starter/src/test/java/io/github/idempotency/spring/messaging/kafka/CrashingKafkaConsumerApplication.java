package io.github.idempotency.spring.messaging.kafka;

import java.nio.charset.StandardCharsets;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.messaging.ChargeLedger;
import io.github.idempotency.spring.messaging.ChildJvm;
import io.github.idempotency.spring.messaging.CrashingConsumerCharge;
import io.github.idempotency.spring.messaging.CrashingConsumerConfiguration;
import io.github.idempotency.spring.messaging.KillPoint;
import io.github.idempotency.spring.messaging.ReportingDeliveryAdvice;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The child JVM of {@link AbstractKafkaConsumerCrashIT}: a payments consumer whose {@code @Idempotent}
 * {@code @KafkaListener}, keyed by the {@code message-id} header, books each charge in a {@link ChargeLedger} outside
 * this JVM. At the record its {@link KillPoint} names, it waits to be killed at the point it names:
 * <ul>
 * <li>{@code after-completion}: the listener returned, so its completion is stored, but the container has not
 * committed the record's offset yet. In the {@code RECORD} ack mode the container commits right after the listener
 * (with the advice chain around it) returned, and the innermost advice here blocks before it returns. (A
 * {@code RecordInterceptor}'s {@code success} would be too late: the container calls it after the commit.)</li>
 * <li>{@code after-charge}: the listener booked the charge but has not returned, so its completion is not
 * stored;</li>
 * <li>{@code none}: never.</li>
 * </ul>
 * It reports each delivery ({@code delivered <id> partition=<p> offset=<o>}), each end of the listener
 * ({@code listener-returned <id>} or {@code listener-failed <id> <exception>}) and the kill point
 * ({@code kill-point <where> <id>}) through {@link ChildJvm#report(String, String)}. Its other settings are Spring
 * properties on the command line: {@code test.topic}, {@code test.group}, those of
 * {@link CrashingConsumerConfiguration}, the bootstrap servers of the test's embedded broker, the consumer's
 * properties and the store.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@Import({ CrashingConsumerConfiguration.class, CrashingKafkaConsumerApplication.PaymentsConsumer.class,
		CrashingKafkaConsumerApplication.DeliveryReporter.class })
public class CrashingKafkaConsumerApplication {

	/** The header that carries the message id. */
	static final String MESSAGE_ID = "message-id";

	public static void main(String[] args) {
		CrashingConsumerConfiguration.run(CrashingKafkaConsumerApplication.class, args);
	}

	/**
	 * Boot applies this error handler to its container factory. Its back-off outlasts the lease: a redelivery that
	 * finds the dead consumer's claim still held fails as {@code IN_PROGRESS} and must be delivered again until the
	 * claim can be taken over, not handed to the recoverer (which would log it and commit its offset).
	 */
	@Bean
	DefaultErrorHandler errorHandler() {
		return new DefaultErrorHandler(new FixedBackOff(1000, 120));
	}

	@Bean
	static BeanPostProcessor deliveryReporterInstaller(ObjectProvider<DeliveryReporter> reporter) {
		return new InnermostKafkaAdvice(reporter);
	}

	static String idOf(ConsumerRecord<?, ?> record) {
		Header header = record.headers().lastHeader(MESSAGE_ID);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "(none)";
	}

	/** Charges once per message id; in the {@code RECORD} ack mode, the offset is committed after it returned. */
	public static class PaymentsConsumer {

		private final CrashingConsumerCharge charge;

		PaymentsConsumer(CrashingConsumerCharge charge) {
			this.charge = charge;
		}

		@KafkaListener(id = "crashing-payments", groupId = "${test.group}", topics = "${test.topic}")
		@Idempotent(keySource = Idempotent.KeySource.HEADER, header = MESSAGE_ID, scope = Idempotent.Scope.GLOBAL,
				onConflict = Idempotent.OnConflict.WAIT)
		public void onPayment(ConsumerRecord<String, String> record) {
			this.charge.charge(idOf(record));
		}

	}

	/** Tells a delivery by its record's message id, partition and offset. */
	public static class DeliveryReporter extends ReportingDeliveryAdvice {

		DeliveryReporter(KillPoint killPoint) {
			super(killPoint);
		}

		@Override
		protected @Nullable Delivery delivery(Object[] arguments) {
			// the advice wraps every method of the listener, such as isAsyncReplies(); a delivery is onMessage
			if (arguments.length == 0 || !(arguments[0] instanceof ConsumerRecord<?, ?> record)) {
				return null;
			}
			return new Delivery(idOf(record), "partition=" + record.partition() + " offset=" + record.offset());
		}

	}

}
