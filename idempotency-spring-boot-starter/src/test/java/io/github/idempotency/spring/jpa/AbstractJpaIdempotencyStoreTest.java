package io.github.idempotency.spring.jpa;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.AbstractIdempotencyStoreContractTest;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The store contract, and what is particular to the JPA store, on one real database. The store decides expiry by
 * the database's clock, so {@link #elapse} does not sleep: it moves every deadline in the test's own table back by
 * the elapsed time, which is what the passing of time looks like to the store.
 */
abstract class AbstractJpaIdempotencyStoreTest extends AbstractIdempotencyStoreContractTest {

	/**
	 * The test class's own table, created by the shipped script before the tests, on the test class's database.
	 * @return the table, registered as an extension of the test class
	 */
	protected abstract StoreTestTable table();

	/**
	 * The database the store works on.
	 * @return a pool on it: by default, the table's
	 */
	protected DataSource dataSource() {
		return table().dataSource();
	}

	/**
	 * The name of {@link #table()}.
	 * @return the name
	 */
	protected final String tableName() {
		return table().name();
	}

	/**
	 * An update that moves every deadline back by a number of milliseconds ({@code expires_at}, {@code purge_after}
	 * and {@code awaiting_response_until}, in that order, each with its parameter).
	 * @return the statement
	 */
	protected abstract String shiftDeadlinesSql();

	/**
	 * Where the test itself reads and changes rows (moving deadlines, corrupting a record), each statement committed
	 * on its own.
	 * @return a template on the test class's database
	 */
	protected JdbcTemplate testJdbc() {
		return new JdbcTemplate(dataSource());
	}

	static String uniqueTableName(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	static void createTable(DataSource dataSource, String tableName) {
		new JpaIdempotencySchemaInitializer(dataSource, tableName, DatabaseInitializationMode.ALWAYS)
			.initializeDatabase();
	}

	@Override
	protected IdempotencyStore createStore() {
		return new JpaIdempotencyStore(dataSource(), tableName());
	}

	@Override
	protected Instant now() {
		return Instant.now();
	}

	@Override
	protected void elapse(Duration duration) {
		testJdbc().update(shiftDeadlinesSql(), duration.toMillis(), duration.toMillis(), duration.toMillis());
	}

	@Override
	protected Duration clockTolerance() {
		// the database's clock against this JVM's, plus a round trip
		return Duration.ofSeconds(2);
	}

	@Override
	protected int racingThreads() {
		return 64;
	}

	@Override
	protected int raceRounds() {
		return 20;
	}

	JpaIdempotencyStore jpaStore() {
		return (JpaIdempotencyStore) store();
	}

	@Test
	void isNamedJpa() {
		assertThat(store().name()).isEqualTo("jpa");
	}

	@Test
	void undecodableRecordIsReportedNeverTreatedAsAbsent() {
		StorageKey key = newKey();
		claim(key);
		testJdbc().update("UPDATE " + tableName() + " SET state = 'BOGUS' WHERE id = ?",
				key.value());
		assertThatExceptionOfType(CorruptRecordException.class).isThrownBy(() -> store().find(key, now()));
		assertThatExceptionOfType(CorruptRecordException.class)
			.isThrownBy(() -> store().claim(key, FINGERPRINT, now(), lease()));
	}

	@Test
	void aLeaseBeyondTheLastDateTheColumnHoldsKeepsTheKeyHeld() {
		// about 8,200 years: past year 9999, where MySQL's and MariaDB's DATETIME end
		Duration forever = Duration.ofDays(3_000_000);
		StorageKey key = newKey();
		assertThat(store().claim(key, FINGERPRINT, now(), forever)).isInstanceOf(ClaimResult.Claimed.class);

		ClaimResult duplicate = store().claim(key, FINGERPRINT, now(), lease());

		assertThat(duplicate).isInstanceOfSatisfying(ClaimResult.Existing.class,
				(existing) -> assertThat(existing.record().state()).isEqualTo(RecordState.ONGOING));
	}

	@Test
	void missingTableIsAStoreFailure() {
		JpaIdempotencyStore missing = new JpaIdempotencyStore(dataSource(), tableName() + "_missing");
		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> missing.claim(newKey(), FINGERPRINT, now(), lease()))
			.withMessageContaining(tableName() + "_missing");
	}

	@Test
	void purgeDeletesExpiredRecordsOnly() {
		StorageKey expiredOngoing = newKey();
		claim(expiredOngoing);
		StorageKey expiredFinished = newKey();
		ClaimResult.Claimed finished = claim(expiredFinished);
		store().complete(expiredFinished, finished.owner(), RecordState.FINISHED_OK, response(), now(),
				Duration.ofMinutes(1));
		elapse(Duration.ofHours(2));
		StorageKey live = newKey();
		claim(live);
		jpaStore().purgeExpired(1);
		assertThat(countRows(expiredOngoing)).isZero();
		assertThat(countRows(expiredFinished)).isZero();
		assertThat(countRows(live)).isOne();
		assertThat(store().find(live, now())).isPresent();
	}

	@Test
	void aRecordClaimedWithItsRetentionIsFinishedWithoutMovingItsPurgeIndex() {
		StorageKey key = newKey();
		Duration retention = Duration.ofMinutes(10);
		ClaimResult.Claimed claimed = claimKnowingRetention(key, retention);
		String purgeAfter = purgeAfter(key);

		assertThat(store().complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention))
			.isTrue();

		assertThat(purgeAfter(key)).as("the indexed purge_after, after the completion").isEqualTo(purgeAfter);
		assertThat(purgeAfterIsNotBeforeExpiry(key)).isTrue();
		assertThat(store().find(key, now())).hasValueSatisfying(
				(record) -> assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK));
	}

	@Test
	void purgeAfterFollowsAnExpiryThatOutgrowsIt() {
		// claimed without its retention, then finished: the completion moves purge_after to the retention's end
		StorageKey unknown = newKey();
		ClaimResult.Claimed first = claim(unknown);
		store().complete(unknown, first.owner(), RecordState.FINISHED_OK, response(), now(), Duration.ofMinutes(10));
		assertThat(purgeAfterIsNotBeforeExpiry(unknown)).isTrue();
		// claimed with its retention, renewed past the first lease, finished late: its retention ends after the
		// purge_after the claim set
		StorageKey late = newKey();
		Duration retention = Duration.ofMinutes(1);
		ClaimResult.Claimed second = claimKnowingRetention(late, retention);
		elapse(lease().multipliedBy(2).dividedBy(3));
		assertThat(store().renew(late, second.owner(), now(), lease())).isTrue();
		assertThat(purgeAfterIsNotBeforeExpiry(late)).isTrue();
		elapse(lease().multipliedBy(2).dividedBy(3));
		assertThat(store().complete(late, second.owner(), RecordState.FINISHED_OK, response(), now(), retention))
			.isTrue();
		assertThat(purgeAfterIsNotBeforeExpiry(late)).isTrue();

		elapse(retention.minus(lease().dividedBy(10)));
		jpaStore().purgeExpired(100);
		assertThat(store().find(late, now())).as("in force until its retention ends").isPresent();
		assertThat(countRows(unknown)).isOne();
		elapse(Duration.ofHours(1));
		jpaStore().purgeExpired(100);
		assertThat(countRows(late)).isZero();
		assertThat(countRows(unknown)).isZero();
	}

	@Test
	void aRecordClaimedWithItsRetentionIsPurgedWithinASecondOfItsExpiry() {
		StorageKey finished = newKey();
		Duration retention = Duration.ofMinutes(1);
		ClaimResult.Claimed claimed = claimKnowingRetention(finished, retention);
		store().complete(finished, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention);
		StorageKey crashed = newKey();
		claimKnowingRetention(crashed, retention);

		// the finished record expired a retention after its completion, the crashed one a lease after its claim;
		// both rows stay at most RecordTable.COMPLETION_SLACK (1 s) past the retention's end
		elapse(retention.plus(RecordTable.COMPLETION_SLACK).plusMillis(500));
		assertThat(store().find(finished, now())).isEmpty();
		assertThat(store().claim(newKey(), FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Claimed.class);
		jpaStore().purgeExpired(100);

		assertThat(countRows(finished)).isZero();
		assertThat(countRows(crashed)).isZero();
	}

	@Test
	void aRecordClaimedWithoutItsRetentionIsPurgedOnceItExpired() {
		// as the store sees a claim through a decorator that forwards only the claim without the retention: a
		// retention shorter than the lease must not keep the row in the table for the rest of the lease
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		Duration retention = lease().dividedBy(3);
		store().complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention);

		elapse(retention.plusMillis(500));
		jpaStore().purgeExpired(100);

		assertThat(countRows(key)).isZero();
	}

	private ClaimResult.Claimed claimKnowingRetention(StorageKey key, Duration retention) {
		ClaimResult result = store().claim(key, FINGERPRINT, now().toEpochMilli(), lease(), retention);
		assertThat(result).as("claim of %s", key).isInstanceOf(ClaimResult.Claimed.class);
		return (ClaimResult.Claimed) result;
	}

	private String purgeAfter(StorageKey key) {
		return testJdbc().queryForObject("SELECT purge_after FROM " + tableName() + " WHERE id = ?", String.class,
				key.value());
	}

	private boolean purgeAfterIsNotBeforeExpiry(StorageKey key) {
		return testJdbc().queryForObject("SELECT COUNT(*) FROM " + tableName()
				+ " WHERE id = ? AND purge_after >= expires_at", Integer.class, key.value()) == 1;
	}

	@Test
	void completionWrittenInATransactionKeepsTheTokenUntilTheResponseIsAttached() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		StoredResponse provisional = StoredResponse.notRetained(201, Map.of("Location", List.of("/payments/9")));
		assertThat(completeInATransaction(key, claimed, provisional)).isTrue();
		IdempotencyRecord found = store().find(key, now()).orElseThrow();
		assertThat(found.response()).isEqualTo(provisional);
		assertThat(found.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(found.isInProgressAt(now())).as("awaiting the final response").isTrue();
		ClaimResult duplicate = store().claim(key, FINGERPRINT, now(), lease());
		assertThat(duplicate).isInstanceOf(ClaimResult.Existing.class);
		assertThat(((ClaimResult.Existing) duplicate).record().isInProgressAt(now())).isTrue();
		assertThat(store().renew(key, claimed.owner(), now(), lease())).as("renewal racing with the commit").isTrue();
		assertThat(store().release(key, claimed.owner(), now())).as("effects committed: never released").isFalse();
		StoredResponse rendered = response();
		assertThat(store().complete(key, claimed.owner(), RecordState.FINISHED_OK, rendered, now(), retention()))
			.isTrue();
		assertThat(store().find(key, now()).orElseThrow().response()).isEqualTo(rendered);
		assertThat(store().find(key, now()).orElseThrow().isInProgressAt(now())).as("attached").isFalse();
		assertThat(store().complete(key, claimed.owner(), RecordState.FINISHED_OK, rendered, now(), retention()))
			.as("attached once")
			.isFalse();
	}

	@Test
	void provisionalResponseIsInForceOneLeaseAfterTheCommitWhenNoResponseIsAttached() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		StoredResponse provisional = StoredResponse.notRetained(201, Map.of());
		assertThat(completeInATransaction(key, claimed, provisional)).isTrue();
		assertThat(store().find(key, now()).orElseThrow().isInProgressAt(now())).isTrue();
		assertThat(store().renew(key, claimed.owner(), now(), lease())).isTrue();

		elapse(lease().plus(clockTolerance()));

		IdempotencyRecord found = store().find(key, now()).orElseThrow();
		assertThat(found.isInProgressAt(now())).as("the owner is presumed dead, renewals notwithstanding").isFalse();
		assertThat(found.response()).isEqualTo(provisional);
		ClaimResult duplicate = store().claim(key, FINGERPRINT, now(), lease());
		assertThat(duplicate).isInstanceOf(ClaimResult.Existing.class);
		assertThat(((ClaimResult.Existing) duplicate).record().isInProgressAt(now())).isFalse();
	}

	@Test
	void finalResponseWrittenInATransactionIsReplayedAtOnce() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		StoredResponse encoded = response();
		assertThat(completeInATransaction(key, claimed, encoded)).isTrue();
		IdempotencyRecord found = store().find(key, now()).orElseThrow();
		assertThat(found.response()).isEqualTo(encoded);
		assertThat(found.isInProgressAt(now())).isFalse();
	}

	private boolean completeInATransaction(StorageKey key, ClaimResult.Claimed claimed, StoredResponse response) {
		return new org.springframework.transaction.support.TransactionTemplate(
				new org.springframework.jdbc.datasource.DataSourceTransactionManager(dataSource()))
			.execute((status) -> jpaStore().completeInCurrentTransaction(key, claimed.owner(), RecordState.FINISHED_OK,
					response, retention(), lease()));
	}

	// Each operation borrows a connection of its own from the pool and gives it back: inside a transaction of the
	// caller's on the same database, every one of them must run on the connection it borrowed (not on one an earlier
	// operation gave back), commit at once, and leave the caller's transaction alone.
	@Test
	void operationsInsideTheCallersTransactionRunAndCommitOnConnectionsOfTheirOwn() {
		StorageKey first = newKey();
		StorageKey second = newKey();
		TransactionTemplate callers = new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
		callers.executeWithoutResult((status) -> {
			JdbcTemplate inTransaction = new JdbcTemplate(dataSource());
			inTransaction.queryForObject("SELECT COUNT(*) FROM " + tableName(), Integer.class);
			Map<Object, Object> boundBefore = Map.copyOf(TransactionSynchronizationManager.getResourceMap());
			List<TransactionSynchronization> registeredBefore = TransactionSynchronizationManager
				.getSynchronizations();
			ClaimResult.Claimed claimed = claim(first);
			assertThat(store().complete(first, claimed.owner(), RecordState.FINISHED_OK, response(), now(),
					retention()))
				.isTrue();
			claim(second);
			assertThat(store().find(first, now())).isPresent();
			// read on another thread, outside the caller's transaction and its snapshot
			assertThat(CompletableFuture.supplyAsync(() -> countRows(first) + countRows(second)).join())
				.as("both committed while the caller's transaction is open")
				.isEqualTo(2);
			assertThat(TransactionSynchronizationManager.getResourceMap())
				.as("the store's connections were not bound to the caller's transaction")
				.isEqualTo(boundBefore);
			assertThat(TransactionSynchronizationManager.getSynchronizations())
				.as("nor did they register with it")
				.isEqualTo(registeredBefore);
			inTransaction.queryForObject("SELECT COUNT(*) FROM " + tableName(), Integer.class);
			status.setRollbackOnly();
		});
		assertThat(store().find(first, now()).orElseThrow().response()).isEqualTo(response());
		assertThat(store().find(second, now()).orElseThrow().state()).isEqualTo(RecordState.ONGOING);
	}

	@Test
	void completionInATransactionNeedsTheStoresConnection() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		org.assertj.core.api.Assertions.assertThatIllegalStateException()
			.isThrownBy(() -> jpaStore().completeInCurrentTransaction(key, claimed.owner(), RecordState.FINISHED_OK,
					response(), retention(), lease()));
	}

	int countRows(StorageKey key) {
		return testJdbc().queryForObject(
				"SELECT COUNT(*) FROM " + tableName() + " WHERE id = ?", Integer.class, key.value());
	}

}
