package io.github.idempotency.spring.jpa;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JPA store on a real PostgreSQL ({@link PostgresTestServer}).
 */
class JpaIdempotencyStorePostgresIT extends AbstractJpaIdempotencyStoreTest {

	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onPostgres("idem_store_it", 32);

	@Override
	protected StoreTestTable table() {
		return TABLE;
	}

	@Test
	void replayReadsWithoutWritingOrLockingTheRow() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		store().complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention());
		JdbcTemplate jdbc = new JdbcTemplate(TABLE.dataSource());
		String versionSql = "SELECT ctid::text || '/' || xmax::text FROM " + TABLE.name() + " WHERE id = ?";
		String before = jdbc.queryForObject(versionSql, String.class, key.value());
		for (int i = 0; i < 3; i++) {
			assertThat(store().claim(key, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Existing.class);
		}
		assertThat(jdbc.queryForObject(versionSql, String.class, key.value())).as("row version and locker")
			.isEqualTo(before);
	}

	@Override
	protected String shiftDeadlinesSql() {
		return "UPDATE " + TABLE.name()
				+ " SET expires_at = expires_at - CAST(? AS double precision) * INTERVAL '1 millisecond', "
				+ "purge_after = purge_after - CAST(? AS double precision) * INTERVAL '1 millisecond', "
				+ "awaiting_response_until = awaiting_response_until - CAST(? AS double precision) * INTERVAL '1 millisecond'";
	}

}
