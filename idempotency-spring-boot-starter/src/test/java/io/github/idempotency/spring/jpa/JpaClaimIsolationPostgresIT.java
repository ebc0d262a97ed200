package io.github.idempotency.spring.jpa;

import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Racing claims on a real PostgreSQL ({@link PostgresTestServer}) whose pool lends connections at REPEATABLE READ
 * or SERIALIZABLE, where an {@code INSERT ... ON CONFLICT DO NOTHING} that meets a row committed after its snapshot
 * fails with a serialization failure instead of doing nothing.
 */
class JpaClaimIsolationPostgresIT extends AbstractJpaClaimIsolationTest {

	private static final String TABLE = AbstractJpaIdempotencyStoreTest.uniqueTableName("idem_isolation_it");

	private HikariDataSource setup;

	@BeforeAll
	void createTable() {
		this.setup = PostgresTestServer.get().newDataSource(2);
		AbstractJpaIdempotencyStoreTest.createTable(this.setup, TABLE);
	}

	@AfterAll
	void dropTable() {
		PostgresTestServer.execute(this.setup, "DROP TABLE IF EXISTS " + TABLE);
		this.setup.close();
	}

	@Override
	protected HikariDataSource newDataSource(boolean autoCommit, @Nullable String isolation) {
		return PostgresTestServer.get().newDataSource(THREADS + 4, autoCommit, isolation);
	}

	@Override
	protected DataSource setupDataSource() {
		return this.setup;
	}

	@Override
	protected String tableName() {
		return TABLE;
	}

	@Override
	protected String expireSql() {
		return "UPDATE " + TABLE + " SET expires_at = clock_timestamp() - INTERVAL '1 second' WHERE id = ?";
	}

	@Override
	protected Stream<Arguments> pools() {
		return repeatableReadAndSerializable();
	}

}
