package io.github.idempotency.spring.jpa;

import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.core.testing.Utf8StringCodec;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The child JVM of {@link JoinedTransactionCrashPostgresIT}: claims a key, books a ledger row and writes the
 * completion in one transaction, then dies just before the commit, as a process killed at that moment would.
 * Arguments: JDBC URL, idempotency table, ledger table, client key, payment id.
 */
public final class CrashingLedgerApplication {

	/** The exit status of the deliberate crash. */
	static final int CRASH_STATUS = 137;

	private static final ResultCodec<String> CODEC = new Utf8StringCodec();

	private CrashingLedgerApplication() {
	}

	public static void main(String[] args) throws Exception {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(args[0]);
		config.setMaximumPoolSize(4);
		HikariDataSource dataSource = new HikariDataSource(config);
		JpaIdempotencyStore store = new JpaIdempotencyStore(dataSource, args[1]);
		TransactionalCompletion completion = new TransactionalCompletion(store,
				new DataSourceTransactionManager(dataSource));
		IdempotentExecutor executor = IdempotentExecutor.builder(store).build();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		// the executor and the joined completion, as the interceptor runs them
		executor.execute(IdempotencyKey.of("", "ledger", args[3]), JoinedTransactionCrashPostgresIT.FINGERPRINT,
				ExecutionPolicy.defaults("ledger"), CODEC,
				completion.inTransaction(CrashingLedgerApplication.class.getMethod("main", String[].class),
						CrashingLedgerApplication.class, () -> {
							jdbc.update("INSERT INTO " + args[2] + " (payment_id) VALUES (?)", args[4]);
							TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
								@Override
								public void beforeCommit(boolean readOnly) {
									// the business row and the completion are written, not committed
									Runtime.getRuntime().halt(CRASH_STATUS);
								}
							});
							return args[4];
						}, (value) -> StoredResponse.of(200, Map.of(), CODEC.encode(value)),
						ExecutionPolicy.defaults("ledger")));
		System.exit(1);
	}

}
