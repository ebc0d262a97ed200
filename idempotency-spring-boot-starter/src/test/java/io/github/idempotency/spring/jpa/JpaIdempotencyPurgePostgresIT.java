package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The purge on a real PostgreSQL: 100,000 expired rows go, in batches, by two purges running at once (two
 * instances), while claims on live keys keep succeeding and a row that another transaction holds is skipped rather
 * than waited for.
 */
class JpaIdempotencyPurgePostgresIT {

	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onPostgres("idem_purge_it", 8);

	private static final int EXPIRED_ROWS = 100_000;

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	@Test
	void purgeRemovesExpiredRowsInBatchesWhileClaimsOnLiveKeysSucceed() throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(TABLE.dataSource());
		jdbc.update("INSERT INTO " + TABLE.name() + " (id, state, fingerprint, expires_at, purge_after, created_at, "
				+ "status, headers, body, body_retained) SELECT lpad(to_hex(g), 64, '0'), 'FINISHED_OK', "
				+ "'v1:' || repeat('0', 64), clock_timestamp() - INTERVAL '1 hour', clock_timestamp() - INTERVAL '1 hour', "
				+ "clock_timestamp() - INTERVAL '2 hours', 200, '', "
				+ "'\\x7b7d'::bytea, TRUE FROM generate_series(1, " + EXPIRED_ROWS + ") g");
		JpaIdempotencyStore store = new JpaIdempotencyStore(TABLE.dataSource(), TABLE.name());
		List<StorageKey> liveBefore = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			StorageKey key = newKey();
			assertThat(store.claim(key, FINGERPRINT, Instant.now(), Duration.ofMinutes(5)))
				.isInstanceOf(ClaimResult.Claimed.class);
			liveBefore.add(key);
		}
		String heldId = String.format("%064x", 1);
		ExecutorService threads = Executors.newFixedThreadPool(3);
		try (Connection holder = TABLE.dataSource().getConnection()) {
			// another transaction holds one expired row: the purge must skip it, not wait for it
			holder.setAutoCommit(false);
			try (Statement statement = holder.createStatement()) {
				statement.execute("SELECT id FROM " + TABLE.name() + " WHERE id = '" + heldId + "' FOR UPDATE");
			}
			AtomicBoolean purging = new AtomicBoolean(true);
			Future<List<ClaimResult>> claimer = threads.submit(() -> {
				List<ClaimResult> results = new ArrayList<>();
				while (purging.get()) {
					results.add(store.claim(newKey(), FINGERPRINT, Instant.now(), Duration.ofMinutes(5)));
				}
				return results;
			});
			Future<Long> first = threads.submit(() -> store.purgeExpired(1000));
			Future<Long> second = threads.submit(() -> store.purgeExpired(1000));
			long deleted = first.get(120, TimeUnit.SECONDS) + second.get(120, TimeUnit.SECONDS);
			purging.set(false);
			List<ClaimResult> claimsDuringPurge = claimer.get(30, TimeUnit.SECONDS);

			assertThat(deleted).isEqualTo(EXPIRED_ROWS - 1);
			assertThat(claimsDuringPurge).isNotEmpty().allSatisfy(
					(result) -> assertThat(result).isInstanceOf(ClaimResult.Claimed.class));
			assertThat(count(jdbc, "id = '" + heldId + "'")).as("the held row was skipped").isOne();
			assertThat(count(jdbc, "expires_at > clock_timestamp()"))
				.isEqualTo(liveBefore.size() + claimsDuringPurge.size());
			holder.rollback();
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(store.purgeExpired(1000)).as("the row is purged once released").isOne();
		for (StorageKey key : liveBefore) {
			assertThat(store.find(key, Instant.now())).isPresent();
		}
	}

	@Test
	void scheduledPurgeRunsOnItsInterval() throws Exception {
		JpaIdempotencyStore store = new JpaIdempotencyStore(TABLE.dataSource(), TABLE.name());
		StorageKey key = newKey();
		store.claim(key, FINGERPRINT, Instant.now(), Duration.ofMillis(1));
		ScheduledPurge purge = new ScheduledPurge(store, Duration.ofMillis(50), 10);
		purge.start();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> countKey(key) == 0);
		}
		finally {
			purge.stop();
		}
		assertThat(purge.isRunning()).isFalse();
	}

	private static int countKey(StorageKey key) {
		return count(new JdbcTemplate(TABLE.dataSource()), "id = '" + key.value() + "'");
	}

	private static int count(JdbcTemplate jdbc, String condition) {
		return jdbc.queryForObject("SELECT COUNT(*) FROM " + TABLE.name() + " WHERE " + condition, Integer.class);
	}

	private static StorageKey newKey() {
		return IdempotencyKey.of("", "purge", UUID.randomUUID().toString()).storageKey();
	}

}
