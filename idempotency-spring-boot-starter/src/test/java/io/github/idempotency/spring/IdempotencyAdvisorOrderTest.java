package io.github.idempotency.spring;

import java.util.concurrent.atomic.AtomicReference;

import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interceptor runs outside {@code @Transactional} by default: the key is claimed before the transaction begins
 * and the result stored after it committed. Its order is configurable.
 */
class IdempotencyAdvisorOrderTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
		.withPropertyValues("idempotency.store=memory");

	@Test
	void claimsBeforeTheTransactionBeginsByDefault() {
		this.runner.withUserConfiguration(TransactionConfiguration.class).run((context) -> {
			RecordingTransactionManager transactions = context.getBean(RecordingTransactionManager.class);
			TransferService service = context.getBean(TransferService.class);

			assertThat(service.transfer("t-1")).isTrue();
			assertThat(transactions.claimedAtBegin.get()).isTrue();
			assertThat(transactions.claimedAtCommit.get()).isTrue();
			assertThat(service.transfer("t-1")).isTrue();
			assertThat(transactions.begins).isEqualTo(1);
		});
	}

	@Test
	void orderCanPutTheTransactionOutside() {
		this.runner.withUserConfiguration(TransactionOutsideConfiguration.class).run((context) -> {
			RecordingTransactionManager transactions = context.getBean(RecordingTransactionManager.class);
			TransferService service = context.getBean(TransferService.class);

			assertThat(service.transfer("t-2")).isTrue();
			assertThat(transactions.claimedAtBegin.get()).isFalse();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionConfiguration {

		@Bean
		RecordingTransactionManager transactionManager() {
			return new RecordingTransactionManager();
		}

		@Bean
		TransferService transferService() {
			return new TransferService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement(order = 0)
	static class TransactionOutsideConfiguration {

		@Bean
		PlatformTransactionManager transactionManager() {
			return new RecordingTransactionManager();
		}

		@Bean
		TransferService transferService() {
			return new TransferService();
		}

	}

	static class TransferService {

		@Transactional
		@Idempotent(key = "#id")
		public boolean transfer(String id) {
			return TransactionSynchronizationManager.isActualTransactionActive();
		}

	}

	static class RecordingTransactionManager extends AbstractPlatformTransactionManager {

		private static final long serialVersionUID = 1L;

		final AtomicReference<Boolean> claimedAtBegin = new AtomicReference<>();

		final AtomicReference<Boolean> claimedAtCommit = new AtomicReference<>();

		int begins;

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.begins++;
			this.claimedAtBegin.set(IdempotencyContext.current().isPresent());
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			this.claimedAtCommit.set(IdempotencyContext.current().isPresent());
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

}
