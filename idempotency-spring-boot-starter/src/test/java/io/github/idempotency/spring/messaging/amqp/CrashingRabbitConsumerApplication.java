package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.messaging.ChargeLedger;
import io.github.idempotency.spring.messaging.ChildJvm;
import io.github.idempotency.spring.messaging.CrashingConsumerCharge;
import io.github.idempotency.spring.messaging.CrashingConsumerConfiguration;
import io.github.idempotency.spring.messaging.KillPoint;
import io.github.idempotency.spring.messaging.ReportingDeliveryAdvice;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.handler.annotation.Header;

/**
 * The child JVM of {@link AbstractRabbitConsumerCrashIT}: a payments consumer whose {@code @Idempotent}
 * {@code @RabbitListener} books each charge in a {@link ChargeLedger} outside this JVM, and then waits to be killed
 * at its {@link KillPoint}:
 * <ul>
 * <li>{@code after-completion}: the listener returned, so its completion is stored, but the container has not
 * acknowledged the message yet (it acknowledges after its advice chain returns, and the innermost advice here
 * blocks);</li>
 * <li>{@code after-charge}: the listener booked the charge but has not returned, so its completion is not
 * stored;</li>
 * <li>{@code none}: never.</li>
 * </ul>
 * It reports each delivery ({@code delivered <id> redelivered=<flag>}), each end of the listener
 * ({@code listener-returned <id>} or {@code listener-failed <id> <exception>}) and the kill point
 * ({@code kill-point <where> <id>}) through {@link ChildJvm#report(String, String)}. Its other settings are Spring
 * properties on the command line: {@code test.queue}, those of {@link CrashingConsumerConfiguration}, the RabbitMQ
 * address and the store.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@Import({ CrashingConsumerConfiguration.class, CrashingRabbitConsumerApplication.PaymentsConsumer.class,
		CrashingRabbitConsumerApplication.DeliveryReporter.class })
public class CrashingRabbitConsumerApplication {

	public static void main(String[] args) {
		CrashingConsumerConfiguration.run(CrashingRabbitConsumerApplication.class, args);
	}

	@Bean
	static BeanPostProcessor deliveryReporterInstaller(ObjectProvider<DeliveryReporter> reporter) {
		return new InnermostRabbitAdvice(reporter);
	}

	/** Charges once per message id; in AUTO acknowledge mode, the container acknowledges after it returned. */
	public static class PaymentsConsumer {

		private final CrashingConsumerCharge charge;

		PaymentsConsumer(CrashingConsumerCharge charge) {
			this.charge = charge;
		}

		@RabbitListener(id = "crashing-payments", queues = "${test.queue}")
		@Idempotent(keySource = Idempotent.KeySource.MESSAGE_ID, scope = Idempotent.Scope.GLOBAL,
				onConflict = Idempotent.OnConflict.WAIT)
		public void onPayment(String body, @Header(AmqpHeaders.MESSAGE_ID) String messageId) {
			this.charge.charge(messageId);
		}

	}

	/** Tells a delivery by its message's id and whether the broker marked it redelivered. */
	public static class DeliveryReporter extends ReportingDeliveryAdvice {

		DeliveryReporter(KillPoint killPoint) {
			super(killPoint);
		}

		@Override
		protected Delivery delivery(Object[] arguments) {
			Message message = (Message) arguments[1];
			return new Delivery(message.getMessageProperties().getMessageId(),
					"redelivered=" + message.getMessageProperties().isRedelivered());
		}

	}

}
