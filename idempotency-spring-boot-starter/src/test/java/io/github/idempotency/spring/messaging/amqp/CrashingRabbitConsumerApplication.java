package io.github.idempotency.spring.messaging.amqp;

import java.util.Arrays;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.messaging.ChargeLedger;
import io.github.idempotency.spring.messaging.ChildJvm;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.handler.annotation.Header;

/**
 * The child JVM of {@link AbstractRabbitConsumerCrashIT}: a payments consumer whose {@code @Idempotent}
 * {@code @RabbitListener} books each charge in a {@link ChargeLedger} outside this JVM, and then waits to be killed
 * at the point {@code test.kill-at} names:
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
 * properties on the command line: {@code test.queue}, {@code test.ledger.url}, {@code test.ledger.username},
 * {@code test.ledger.password}, {@code test.ledger.table}, the RabbitMQ address and the store.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
public class CrashingRabbitConsumerApplication {

	static final String AFTER_CHARGE = "after-charge";

	static final String AFTER_COMPLETION = "after-completion";

	static final String NEVER = "none";

	public static void main(String[] args) {
		new SpringApplicationBuilder(CrashingRabbitConsumerApplication.class).web(WebApplicationType.NONE).run(args);
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
	PaymentsConsumer paymentsConsumer(ChargeLedger ledger, @Value("${test.kill-at}") String killAt) {
		return new PaymentsConsumer(ledger, killAt);
	}

	@Bean
	DeliveryReporter deliveryReporter(@Value("${test.kill-at}") String killAt) {
		return new DeliveryReporter(killAt);
	}

	@Bean
	static BeanPostProcessor deliveryReporterInstaller(ObjectProvider<DeliveryReporter> reporter) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof BaseRabbitListenerContainerFactory<?> factory) {
					Advice[] chain = (factory.getAdviceChain() != null) ? factory.getAdviceChain() : new Advice[0];
					Advice[] extended = Arrays.copyOf(chain, chain.length + 1);
					extended[chain.length] = reporter.getObject();
					factory.setAdviceChain(extended);
				}
				return bean;
			}

		};
	}

	/** Charges once per message id; in AUTO acknowledge mode, the container acknowledges after it returned. */
	public static class PaymentsConsumer {

		private final ChargeLedger ledger;

		private final String killAt;

		PaymentsConsumer(ChargeLedger ledger, String killAt) {
			this.ledger = ledger;
			this.killAt = killAt;
		}

		@RabbitListener(id = "crashing-payments", queues = "${test.queue}")
		@Idempotent(keySource = Idempotent.KeySource.MESSAGE_ID, scope = Idempotent.Scope.GLOBAL,
				onConflict = Idempotent.OnConflict.WAIT)
		public void onPayment(String body, @Header(AmqpHeaders.MESSAGE_ID) String messageId) {
			this.ledger.charge(messageId);
			if (this.killAt.equals(AFTER_CHARGE)) {
				ChildJvm.reportAndAwaitKill("kill-point", AFTER_CHARGE + " " + messageId);
			}
		}

	}

	/**
	 * The container advice that reports deliveries and, with {@code after-completion}, holds the delivery between the
	 * listener's return and the container's acknowledgement.
	 */
	public static class DeliveryReporter implements MethodInterceptor {

		private final String killAt;

		DeliveryReporter(String killAt) {
			this.killAt = killAt;
		}

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			Message message = (Message) invocation.getArguments()[1];
			String id = message.getMessageProperties().getMessageId();
			ChildJvm.report("delivered", id + " redelivered=" + message.getMessageProperties().isRedelivered());
			Object result;
			try {
				result = invocation.proceed();
			}
			catch (Throwable ex) {
				ChildJvm.report("listener-failed", id + " " + ex.toString().replace('\n', ' '));
				throw ex;
			}
			ChildJvm.report("listener-returned", id);
			if (this.killAt.equals(AFTER_COMPLETION)) {
				ChildJvm.reportAndAwaitKill("kill-point", AFTER_COMPLETION + " " + id);
			}
			return result;
		}

	}

}
