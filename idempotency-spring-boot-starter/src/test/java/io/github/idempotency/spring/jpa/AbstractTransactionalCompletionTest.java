package io.github.idempotency.spring.jpa;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.RetainedFailureException;
import io.github.idempotency.core.store.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code idempotency.jpa.join-transaction}: an application with JPA, Hibernate and a {@code JpaTransactionManager},
 * whose {@code @Idempotent} bean method books a ledger entry through an {@code EntityManager}. The interceptor runs
 * it through {@link TransactionalCompletion}: the business row and the finished record commit together, or neither
 * exists, as the method's {@code @Transactional} rollback rules say.
 * <p>
 * A full Spring Boot application (every auto-configuration on the class path, so the database initialization order
 * is the real one), which narrows entity scanning with {@code @EntityScan} to its own entity: the store needs none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTransactionalCompletionTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final String OPERATION = LedgerPayments.class.getName() + "#book";

	private static final String FEE_OPERATION = LedgerPayments.class.getName() + "#bookWithoutFee";

	private static final String CLOSED_OPERATION = LedgerPayments.class.getName() + "#bookUnlessClosed";

	private ConfigurableApplicationContext context;

	private IdempotentExecutor executor;

	private LedgerPayments payments;

	private JdbcTemplate jdbc;

	/**
	 * The application's properties: its {@code spring.datasource.*} and how the idempotency table is created.
	 * @return {@code key=value} pairs
	 */
	protected abstract String[] applicationProperties();

	static ConfigurableApplicationContext startApplication(String... properties) {
		return new SpringApplicationBuilder(LedgerApplication.class).web(WebApplicationType.NONE)
			.properties("spring.jpa.hibernate.ddl-auto=create-drop", "idempotency.store=jpa",
					"idempotency.jpa.join-transaction=true", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	@BeforeEach
	void startApplication() {
		// one application for the class, started once the subclass has prepared its database
		if (this.context == null) {
			this.context = startApplication(applicationProperties());
			this.payments = this.context.getBean(LedgerPayments.class);
			this.jdbc = new JdbcTemplate(this.context.getBean(DataSource.class));
		}
		this.executor = IdempotentExecutor.builder(this.context.getBean(IdempotencyStore.class)).build();
	}

	@AfterEach
	void closeExecutor() {
		this.executor.close();
	}

	@AfterAll
	void stopApplication() {
		if (this.context != null) {
			this.context.close();
			this.context = null;
		}
	}

	protected final ConfigurableApplicationContext context() {
		return this.context;
	}

	@Test
	void storeIsTheJpaStoreOnTheEntityManagerFactorysDatabase() {
		assertThat(this.context.getBean(IdempotencyStore.class)).isInstanceOf(JpaIdempotencyStore.class);
	}

	@Test
	void successCommitsExactlyOneBusinessRowAndAFinishedRecord() {
		String paymentId = UUID.randomUUID().toString();
		String entryId = this.payments.book(paymentId, 1250, false);
		assertThat(entries(paymentId)).isOne();
		IdempotencyRecord record = this.executor.store().find(key(paymentId), Instant.now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.response().body()).isEqualTo(json(entryId));
		assertThat(this.payments.book(paymentId, 1250, false)).as("replayed").isEqualTo(entryId);
		assertThat(entries(paymentId)).as("the retry did not run").isOne();
		assertThat(this.context.getBean(IdempotentExecutor.class).activeExecutions()).isZero();
	}

	@Test
	void failureAfterTheBusinessInsertLeavesNoRowAndAFreeKey() {
		String paymentId = UUID.randomUUID().toString();
		assertThatIllegalStateException().isThrownBy(() -> this.payments.book(paymentId, 1250, true))
			.withMessageContaining("declined");
		assertThat(entries(paymentId)).isZero();
		assertThat(this.executor.store().find(key(paymentId), Instant.now())).as("the claim was released").isEmpty();
		assertThat(this.payments.book(paymentId, 1250, false)).as("a retry runs").isNotNull();
		assertThat(entries(paymentId)).isOne();
	}

	@Test
	void failingCommitLeavesNeitherTheBusinessRowNorTheCompletion() {
		String paymentId = UUID.randomUUID().toString();
		this.payments.afterNextBooking(() -> TransactionSynchronizationManager
			.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void beforeCommit(boolean readOnly) {
					// runs once the completion is written, just before the commit
					assertThat(entries(paymentId)).as("inside the transaction").isOne();
					throw new IllegalStateException("The commit failed");
				}
			}));
		assertThatIllegalStateException().isThrownBy(() -> this.payments.book(paymentId, 1250, false))
			.withMessage("The commit failed");
		assertThat(entries(paymentId)).isZero();
		assertThat(this.executor.store().find(key(paymentId), Instant.now())).isEmpty();
		assertThat(claim(paymentId))
			.isInstanceOf(ClaimOutcome.Acquired.class);
	}

	@Test
	void executionThatLostItsLeaseLeavesNoBusinessRow() {
		String paymentId = UUID.randomUUID().toString();
		AtomicReference<OwnerToken> stale = new AtomicReference<>();
		this.payments.afterNextBooking(() -> {
			stale.set(IdempotencyContext.require().ownerToken());
			// another instance takes the key over while this one still runs
			this.executor.store().delete(key(paymentId));
			assertThat(claim(paymentId)).isInstanceOf(ClaimOutcome.Acquired.class);
		});
		assertThatExceptionOfType(FencedCompletionException.class)
			.isThrownBy(() -> this.payments.book(paymentId, 1250, false));
		assertThat(entries(paymentId)).isZero();
		IdempotencyRecord record = this.executor.store().find(key(paymentId), Instant.now()).orElseThrow();
		assertThat(record.state()).as("the new owner's claim is untouched").isEqualTo(RecordState.ONGOING);
		assertThat(record.owner()).isNotNull().isNotEqualTo(stale.get());
	}

	@Test
	void resultCommittedWithTheRowIsAttachedByTheExecutorsCompletion() {
		String paymentId = UUID.randomUUID().toString();
		String entryId = this.payments.book(paymentId, 1250, false);
		IdempotencyRecord record = this.executor.store().find(key(paymentId), Instant.now()).orElseThrow();
		assertThat(record.response().body()).isEqualTo(json(entryId));
		String table = this.context.getBean(JpaIdempotencyStore.class).getTableName();
		assertThat(this.jdbc.queryForObject("SELECT owner_token FROM " + table + " WHERE id = ?", String.class,
				key(paymentId).value()))
			.as("the executor's completion followed the transaction's")
			.isNull();
	}

	@Test
	void noRollbackForKeepsTheRowAndTheFailureIsReplayed() {
		String paymentId = UUID.randomUUID().toString();
		assertThatExceptionOfType(LedgerPayments.FeeNotChargedException.class)
			.isThrownBy(() -> this.payments.bookWithoutFee(paymentId, 1250));
		assertThat(entries(paymentId)).as("the method's rules keep the row").isOne();
		IdempotencyRecord record = this.executor.store()
			.find(IdempotencyKey.of("", FEE_OPERATION, paymentId).storageKey(), Instant.now())
			.orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_ERROR);
		assertThatExceptionOfType(RetainedFailureException.class)
			.as("the failure is replayed, the method does not run again")
			.isThrownBy(() -> this.payments.bookWithoutFee(paymentId, 1250));
		assertThat(entries(paymentId)).isOne();
	}

	@Test
	void rollbackForRollsBackACheckedException() {
		String paymentId = UUID.randomUUID().toString();
		assertThatExceptionOfType(LedgerPayments.LedgerClosedException.class)
			.isThrownBy(() -> this.payments.bookUnlessClosed(paymentId, 1250));
		assertThat(entries(paymentId)).as("rolled back").isZero();
		assertThat(this.executor.store()
			.find(IdempotencyKey.of("", CLOSED_OPERATION, paymentId).storageKey(), Instant.now()))
			.as("released")
			.isEmpty();
	}

	@Test
	void refusesToRunInsideAnOuterTransaction() {
		String paymentId = UUID.randomUUID().toString();
		TransactionTemplate outer = new TransactionTemplate(this.context.getBean(PlatformTransactionManager.class));
		assertThatIllegalStateException()
			.isThrownBy(() -> outer.execute((status) -> this.payments.book(paymentId, 1250, false)))
			.withMessageContaining("a transaction is already active");
		assertThat(this.executor.store().find(key(paymentId), Instant.now())).as("released").isEmpty();
	}

	private ClaimOutcome claim(String paymentId) {
		try {
			return this.executor.claim(IdempotencyKey.of("", OPERATION, paymentId), FINGERPRINT, policy());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private int entries(String paymentId) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM ledger_entry WHERE payment_id = ?", Integer.class,
				paymentId);
	}

	private static StorageKey key(String paymentId) {
		return IdempotencyKey.of("", OPERATION, paymentId).storageKey();
	}

	private static byte[] json(String value) {
		return ("\"" + value + "\"").getBytes(StandardCharsets.UTF_8);
	}

	private static ExecutionPolicy policy() {
		return ExecutionPolicy.defaults("ledger").withLease(Duration.ofSeconds(30));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EntityScan(basePackageClasses = LedgerEntry.class)
	static class LedgerApplication {

		@Bean
		LedgerService ledgerService() {
			return new LedgerService();
		}

		@Bean
		LedgerPayments ledgerPayments(LedgerService ledger) {
			return new LedgerPayments(ledger);
		}

	}

}
