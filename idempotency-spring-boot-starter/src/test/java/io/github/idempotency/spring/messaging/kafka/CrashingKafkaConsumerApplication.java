package io.github.idempotency.spring.messaging.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.messaging.ChargeLedger;
import io.github.idempotency.spring.messaging.ChildJvm;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The child JVM of {@link AbstractKafkaConsumerCrashIT}: a payments consumer whose {@code @Idempotent}
 * {@code @KafkaListener}, keyed by the {@code message-id} header, books each charge in a {@link ChargeLedger} outside
 * this JVM. At the record whose id {@code test.kill-message} names, it waits to be killed at the point
 * {@code test.kill-at} names:
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
 * properties on the command line: {@code test.topic}, {@code test.group}, {@code test.ledger.url},
 * {@code test.ledger.username}, {@code test.ledger.password}, {@code test.ledger.table}, the bootstrap servers of the
 * test's embedded broker, the consumer's properties and the store.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
public class CrashingKafkaConsumerApplication {

	static final String AFTER_CHARGE = "after-charge";

	static final String AFTER_COMPLETION = "after-completion";

	static final String NEVER = "none";

	/** The header that carries the message id. */
	static final String MESSAGE_ID = "message-id";

	public static void main(String[] args) {
		new SpringApplicationBuilder(CrashingKafkaConsumerApplication.class).web(WebApplicationType.NONE).run(args);
		ChildJvm.report("ready", Long.toString(ProcessHandle.current().pid()));
	}

	@Bean
	ChargeLedger chargeLedger(@Value("${test.ledger.url}") String url,
			@Value("${test.ledger.username:}") String username, @Value("${test.ledger.password:}") String password,
			@Value("${test.ledger.table}") String table) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		if (!username.isEmpty()) {
			config.setUsername(username);
			config.setPassword(password);
		}
		config.setMaximumPoolSize(2);
		config.setPoolName("charge-ledger");
		// not a DataSource bean, so that the store's auto-configuration never picks the ledger's pool; it lives as
		// long as this JVM
		return new ChargeLedger(new HikariDataSource(config), table);
	}

	@Bean
	KillPoint killPoint(@Value("${test.kill-at}") String where, @Value("${test.kill-message:}") String messageId) {
		return new KillPoint(where, messageId);
	}

	@Bean
	PaymentsConsumer paymentsConsumer(ChargeLedger ledger, KillPoint killPoint) {
		return new PaymentsConsumer(ledger, killPoint);
	}

	@Bean
	DeliveryReporter deliveryReporter(KillPoint killPoint) {
		return new DeliveryReporter(killPoint);
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
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
					ContainerProperties properties = factory.getContainerProperties();
					Advice[] chain = properties.getAdviceChain();
					Advice[] extended = Arrays.copyOf(chain, chain.length + 1);
					extended[chain.length] = reporter.getObject();
					properties.setAdviceChain(extended);
				}
				return bean;
			}

		};
	}

	static String idOf(ConsumerRecord<?, ?> record) {
		Header header = record.headers().lastHeader(MESSAGE_ID);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "(none)";
	}

	/**
	 * Where to wait to be killed, and at which message.
	 * @param where {@code after-charge}, {@code after-completion} or {@code none}
	 * @param messageId the message at which to stop; the others pass
	 */
	record KillPoint(String where, String messageId) {

		void reach(String point, String id) {
			if (this.where.equals(point) && this.messageId.equals(id)) {
				ChildJvm.reportAndAwaitKill("kill-point", point + " " + id);
			}
		}

	}

	/** Charges once per message id; in the {@code RECORD} ack mode, the offset is committed after it returned. */
	public static class PaymentsConsumer {

		private final ChargeLedger ledger;

		private final KillPoint killPoint;

		PaymentsConsumer(ChargeLedger ledger, KillPoint killPoint) {
			this.ledger = ledger;
			this.killPoint = killPoint;
		}

		@KafkaListener(id = "crashing-payments", groupId = "${test.group}", topics = "${test.topic}")
		@Idempotent(keySource = Idempotent.KeySource.HEADER, header = MESSAGE_ID, scope = Idempotent.Scope.GLOBAL,
				onConflict = Idempotent.OnConflict.WAIT)
		public void onPayment(ConsumerRecord<String, String> record) {
			String id = idOf(record);
			this.ledger.charge(id);
			this.killPoint.reach(AFTER_CHARGE, id);
		}

	}

	/**
	 * The innermost listener advice: reports deliveries and, with {@code after-completion}, holds the delivery between
	 * the listener's return and the container's offset commit.
	 */
	public static class DeliveryReporter implements MethodInterceptor {

		private final KillPoint killPoint;

		DeliveryReporter(KillPoint killPoint) {
			this.killPoint = killPoint;
		}

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			Object[] arguments = invocation.getArguments();
			// the advice wraps every method of the listener, such as isAsyncReplies(); a delivery is onMessage
			if (arguments.length == 0 || !(arguments[0] instanceof ConsumerRecord<?, ?> record)) {
				return invocation.proceed();
			}
			String id = idOf(record);
			ChildJvm.report("delivered", id + " partition=" + record.partition() + " offset=" + record.offset());
			Object result;
			try {
				result = invocation.proceed();
			}
			catch (Throwable ex) {
				ChildJvm.report("listener-failed", id + " " + ex.toString().replace('\n', ' '));
				throw ex;
			}
			ChildJvm.report("listener-returned", id);
			this.killPoint.reach(AFTER_COMPLETION, id);
			return result;
		}

	}

}
