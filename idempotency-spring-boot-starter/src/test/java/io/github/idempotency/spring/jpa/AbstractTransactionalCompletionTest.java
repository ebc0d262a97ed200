package io.github.idempotency.spring.jpa;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.Execution;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ExecutionResult;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.core.store.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
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
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code idempotency.jpa.join-transaction}: an application with JPA, Hibernate and a {@code JpaTransactionManager},
 * whose idempotent method books a ledger entry through an {@code EntityManager}. The method runs through
 * {@link TransactionalCompletion}, as the interceptor runs it: the business row and the finished record commit
 * together, or neither exists.
 * <p>
 * A full Spring Boot application (every auto-configuration on the class path, so the database initialization order
 * is the real one), which narrows entity scanning with {@code @EntityScan} to its own entity: the store needs none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTransactionalCompletionTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private ConfigurableApplicationContext context;

	private IdempotentExecutor executor;

	private TransactionalCompletion completion;

	private LedgerService ledger;

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
			this.completion = this.context.getBean(TransactionalCompletion.class);
			this.ledger = this.context.getBean(LedgerService.class);
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
	void successCommitsExactlyOneBusinessRowAndAFinishedRecord() throws Exception {
		IdempotencyKey key = newKey();
		String paymentId = UUID.randomUUID().toString();
		String entryId = this.completion.execute(acquire(key), () -> this.ledger.book(paymentId, 1250, false),
				AbstractTransactionalCompletionTest::encode);
		assertThat(entries(paymentId)).isOne();
		IdempotencyRecord record = this.executor.store().find(key.storageKey(), Instant.now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.response().body()).isEqualTo(entryId.getBytes(StandardCharsets.UTF_8));
		ClaimOutcome retry = this.executor.claim(key, FINGERPRINT, policy());
		assertThat(retry).isInstanceOf(ClaimOutcome.Replay.class);
		assertThat(((ClaimOutcome.Replay) retry).response().body()).isEqualTo(entryId.getBytes(StandardCharsets.UTF_8));
		assertThat(entries(paymentId)).as("the retry did not run").isOne();
		assertThat(this.executor.activeExecutions()).isZero();
	}

	@Test
	void failureAfterTheBusinessInsertLeavesNoRowAndAFreeKey() throws Exception {
		IdempotencyKey key = newKey();
		String paymentId = UUID.randomUUID().toString();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.completion.execute(acquire(key), () -> this.ledger.book(paymentId, 1250, true),
					AbstractTransactionalCompletionTest::encode))
			.withMessageContaining("declined");
		assertThat(entries(paymentId)).isZero();
		assertThat(this.executor.store().find(key.storageKey(), Instant.now())).as("the claim was released").isEmpty();
		assertThat(this.executor.claim(key, FINGERPRINT, policy())).isInstanceOf(ClaimOutcome.Acquired.class);
	}

	@Test
	void failingCommitLeavesNeitherTheBusinessRowNorTheCompletion() throws Exception {
		IdempotencyKey key = newKey();
		String paymentId = UUID.randomUUID().toString();
		assertThatIllegalStateException().isThrownBy(() -> this.completion.execute(acquire(key), () -> {
			String entryId = this.ledger.book(paymentId, 1250, false);
			// runs once the completion is written, just before the commit
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void beforeCommit(boolean readOnly) {
					assertThat(entries(paymentId)).as("inside the transaction").isOne();
					throw new IllegalStateException("The commit failed");
				}
			});
			return entryId;
		}, AbstractTransactionalCompletionTest::encode)).withMessage("The commit failed");
		assertThat(entries(paymentId)).isZero();
		assertThat(this.executor.store().find(key.storageKey(), Instant.now())).isEmpty();
		assertThat(this.executor.claim(key, FINGERPRINT, policy())).isInstanceOf(ClaimOutcome.Acquired.class);
	}

	@Test
	void executionThatLostItsLeaseLeavesNoBusinessRow() throws Exception {
		IdempotencyKey key = newKey();
		String paymentId = UUID.randomUUID().toString();
		Execution stale = acquire(key);
		assertThatExceptionOfFenced(() -> this.completion.execute(stale, () -> {
			String entryId = this.ledger.book(paymentId, 1250, false);
			// another instance takes the key over while this one still runs
			this.executor.store().delete(key.storageKey());
			assertThat(this.executor.claim(key, FINGERPRINT, policy())).isInstanceOf(ClaimOutcome.Acquired.class);
			return entryId;
		}, AbstractTransactionalCompletionTest::encode));
		assertThat(entries(paymentId)).isZero();
		IdempotencyRecord record = this.executor.store().find(key.storageKey(), Instant.now()).orElseThrow();
		assertThat(record.state()).as("the new owner's claim is untouched").isEqualTo(RecordState.ONGOING);
		assertThat(record.owner()).isNotEqualTo(stale.owner());
	}

	@Test
	void handlerMarkedFinishedInTheTransactionGetsItsResponseAttachedAfterTheCommit() throws Exception {
		IdempotencyKey key = newKey();
		String paymentId = UUID.randomUUID().toString();
		Execution execution = acquire(key);
		this.completion.executeAndMarkFinished(execution, () -> this.ledger.book(paymentId, 1250, false),
				(entryId) -> StoredResponse.of(201, Map.of(), new byte[0]));
		assertThat(entries(paymentId)).isOne();
		IdempotencyRecord marked = this.executor.store().find(key.storageKey(), Instant.now()).orElseThrow();
		assertThat(marked.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(marked.response().status()).isEqualTo(201);
		assertThat(marked.response().bodyRetained()).as("a crash now replays 'not retained'").isFalse();
		StoredResponse rendered = StoredResponse.of(201, Map.of("Location", java.util.List.of("/payments/1")),
				"{\"id\":1}".getBytes(StandardCharsets.UTF_8));
		assertThat(execution.complete(RecordState.FINISHED_OK, rendered))
			.isEqualTo(io.github.idempotency.core.execution.WriteOutcome.APPLIED);
		assertThat(this.executor.store().find(key.storageKey(), Instant.now()).orElseThrow().response()).isEqualTo(rendered);
	}

	@Test
	void wrappedActionRunThroughTheExecutorCommitsTheRowAndTheResultTogether() throws Exception {
		IdempotencyKey key = newKey();
		String paymentId = UUID.randomUUID().toString();
		ExecutionResult<String> first = this.executor.execute(key, FINGERPRINT, policy(), CODEC,
				this.completion.inTransaction(() -> this.ledger.book(paymentId, 1250, false),
						(entryId) -> StoredResponse.of(200, Map.of(), CODEC.encode(entryId)), policy().retention()));
		assertThat(first).isInstanceOf(ExecutionResult.Executed.class);
		String entryId = ((ExecutionResult.Executed<String>) first).value();
		assertThat(entries(paymentId)).isOne();
		IdempotencyRecord record = this.executor.store().find(key.storageKey(), Instant.now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.response().body()).isEqualTo(CODEC.encode(entryId));
		String table = this.context.getBean(JpaIdempotencyStore.class).getTableName();
		assertThat(this.jdbc.queryForObject("SELECT owner_token FROM " + table + " WHERE id = ?", String.class,
				key.storageKey().value()))
			.as("the executor's completion followed the transaction's")
			.isNull();
		ExecutionResult<String> retry = this.executor.execute(key, FINGERPRINT, policy(), CODEC,
				this.completion.inTransaction(() -> this.ledger.book(paymentId, 1250, false),
						(id) -> StoredResponse.of(200, Map.of(), CODEC.encode(id)), policy().retention()));
		assertThat(retry).isEqualTo(new ExecutionResult.Replayed<>(entryId));
		assertThat(entries(paymentId)).isOne();
	}

	@Test
	void wrappedActionThatFailsLeavesNoRowAndAFreeKey() {
		IdempotencyKey key = newKey();
		String paymentId = UUID.randomUUID().toString();
		assertThatIllegalStateException().isThrownBy(() -> this.executor.execute(key, FINGERPRINT, policy(), CODEC,
				this.completion.inTransaction(() -> this.ledger.book(paymentId, 1250, true),
						(id) -> StoredResponse.of(200, Map.of(), CODEC.encode(id)), policy().retention())));
		assertThat(entries(paymentId)).isZero();
		assertThat(this.executor.store().find(key.storageKey(), Instant.now())).isEmpty();
	}

	@Test
	void refusesToRunInsideAnOuterTransaction() {
		IdempotencyKey key = newKey();
		Execution execution = acquire(key);
		TransactionTemplate outer = new TransactionTemplate(this.context.getBean(PlatformTransactionManager.class));
		assertThatIllegalStateException().isThrownBy(() -> outer.execute((status) -> {
			try {
				return this.completion.execute(execution, () -> "x", AbstractTransactionalCompletionTest::encode);
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalArgumentException(ex);
			}
		})).withMessageContaining("a transaction is already active");
		assertThat(this.executor.store().find(key.storageKey(), Instant.now())).as("released").isEmpty();
	}

	private static void assertThatExceptionOfFenced(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
		org.assertj.core.api.Assertions.assertThatExceptionOfType(FencedCompletionException.class).isThrownBy(call);
	}

	private Execution acquire(IdempotencyKey key) {
		try {
			ClaimOutcome outcome = this.executor.claim(key, FINGERPRINT, policy());
			assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
			return ((ClaimOutcome.Acquired) outcome).execution();
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

	private static ExecutionPolicy policy() {
		return ExecutionPolicy.defaults("ledger").withLease(Duration.ofSeconds(30));
	}

	private static IdempotencyKey newKey() {
		return IdempotencyKey.of("", "ledger", UUID.randomUUID().toString());
	}

	private static final ResultCodec<String> CODEC = new ResultCodec<>() {

		@Override
		public byte[] encode(String value) {
			return value.getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public String decode(byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}

	};

	private static StoredResponse encode(String entryId) {
		return StoredResponse.of(200, Map.of(), entryId.getBytes(StandardCharsets.UTF_8));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EntityScan(basePackageClasses = LedgerEntry.class)
	static class LedgerApplication {

		@Bean
		LedgerService ledgerService() {
			return new LedgerService();
		}

	}

}
