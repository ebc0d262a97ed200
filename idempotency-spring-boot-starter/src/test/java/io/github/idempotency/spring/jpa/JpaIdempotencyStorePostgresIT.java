package io.github.idempotency.spring.jpa;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JPA store on a real PostgreSQL ({@link PostgresTestServer}).
 */
class JpaIdempotencyStorePostgresIT extends AbstractJpaIdempotencyStoreTest {

	private static final String TABLE = uniqueTableName("idem_store_it");

	private static HikariDataSource dataSource;

	@BeforeAll
	static void createTable() {
		dataSource = PostgresTestServer.get().newDataSource(32);
		createTable(dataSource, TABLE);
	}

	@AfterAll
	static void dropTable() {
		PostgresTestServer.execute(dataSource, "DROP TABLE IF EXISTS " + TABLE);
		dataSource.close();
	}

	@Override
	protected DataSource dataSource() {
		return dataSource;
	}

	@Override
	protected String tableName() {
		return TABLE;
	}

	@Test
	void replayReadsWithoutWritingOrLockingTheRow() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		store().complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention());
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		String versionSql = "SELECT ctid::text || '/' || xmax::text FROM " + TABLE + " WHERE id = ?";
		String before = jdbc.queryForObject(versionSql, String.class, key.value());
		for (int i = 0; i < 3; i++) {
			assertThat(store().claim(key, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Existing.class);
		}
		assertThat(jdbc.queryForObject(versionSql, String.class, key.value())).as("row version and locker")
			.isEqualTo(before);
	}

	@Override
	protected String shiftDeadlinesSql() {
		return "UPDATE " + TABLE + " SET expires_at = expires_at - CAST(? AS double precision) * INTERVAL '1 millisecond', "
				+ "awaiting_response_until = awaiting_response_until - CAST(? AS double precision) * INTERVAL '1 millisecond'";
	}

}
