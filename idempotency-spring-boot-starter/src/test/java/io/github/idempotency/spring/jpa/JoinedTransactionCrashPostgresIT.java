package io.github.idempotency.spring.jpa;

import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process that dies between its business insert and its commit, with join-transaction: a child JVM
 * ({@link CrashingLedgerApplication}) halts just before the commit. Neither the business row nor the completion
 * exists afterwards; its claim stays until its lease runs out, and a retry then takes the key over and runs again.
 */
class JoinedTransactionCrashPostgresIT {

	static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/ledger", "{}");

	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onPostgres("idem_crash_it", 2);

	private static final String LEDGER = TABLE.name() + "_ledger";

	// on the store table's pool, which opens before the class's @BeforeAll and closes after its @AfterAll
	@BeforeAll
	static void createLedger() {
		PostgresTestServer.execute(TABLE.dataSource(), "CREATE TABLE " + LEDGER + " (payment_id VARCHAR(64) NOT NULL)");
	}

	@AfterAll
	static void dropLedger() {
		PostgresTestServer.execute(TABLE.dataSource(), "DROP TABLE IF EXISTS " + LEDGER);
	}

	@Test
	void crashBeforeTheCommitLeavesNeitherTheBusinessRowNorTheCompletion() throws Exception {
		String clientKey = UUID.randomUUID().toString();
		String paymentId = UUID.randomUUID().toString();
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				CrashingLedgerApplication.class.getName(), PostgresTestServer.get().jdbcUrl(), TABLE.name(), LEDGER,
				clientKey, paymentId)
			.inheritIO()
			.start();
		assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(child.exitValue()).isEqualTo(CrashingLedgerApplication.CRASH_STATUS);

		JdbcTemplate jdbc = new JdbcTemplate(TABLE.dataSource());
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM " + LEDGER + " WHERE payment_id = ?", Integer.class,
				paymentId))
			.as("business row")
			.isZero();
		JpaIdempotencyStore store = new JpaIdempotencyStore(TABLE.dataSource(), TABLE.name());
		StorageKey key = IdempotencyKey.of("", "ledger", clientKey).storageKey();
		IdempotencyRecord record = store.find(key, Instant.now()).orElseThrow();
		assertThat(record.state()).as("only the claim, which committed on its own, remains")
			.isEqualTo(RecordState.ONGOING);

		// the crashed owner's lease runs out
		jdbc.update("UPDATE " + TABLE.name() + " SET expires_at = clock_timestamp() - INTERVAL '1 second' WHERE id = ?",
				key.value());
		ClaimResult retry = store.claim(key, FINGERPRINT, Instant.now(), Duration.ofSeconds(30));
		assertThat(retry).isInstanceOf(ClaimResult.Claimed.class);
		assertThat(((ClaimResult.Claimed) retry).tookOver()).isTrue();
	}

}
