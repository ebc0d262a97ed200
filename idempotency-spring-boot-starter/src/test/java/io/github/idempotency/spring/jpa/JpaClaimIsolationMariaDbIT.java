package io.github.idempotency.spring.jpa;

import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Racing claims on a private MariaDB server ({@link MariaDbTestServer}) at its default isolation, REPEATABLE READ,
 * and at SERIALIZABLE, where InnoDB turns the claim's read into a shared lock when the connection is in
 * manual-commit mode.
 */
class JpaClaimIsolationMariaDbIT extends AbstractJpaClaimIsolationTest {

	private static final String TABLE = AbstractJpaIdempotencyStoreTest.uniqueTableName("idem_isolation_it");

	private HikariDataSource setup;

	@BeforeAll
	void createTable() {
		this.setup = MariaDbTestServer.get().newDataSource(2);
		AbstractJpaIdempotencyStoreTest.createTable(this.setup, TABLE);
	}

	@AfterAll
	void dropTable() {
		if (this.setup != null) {
			PostgresTestServer.execute(this.setup, "DROP TABLE IF EXISTS " + TABLE);
			this.setup.close();
		}
	}

	@Override
	protected HikariDataSource newDataSource(boolean autoCommit, @Nullable String isolation) {
		return MariaDbTestServer.get().newDataSource(THREADS + 4, autoCommit, isolation);
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
		return "UPDATE " + TABLE + " SET expires_at = TIMESTAMPADD(SECOND, -1, UTC_TIMESTAMP(6)) WHERE id = ?";
	}

	@Override
	protected Stream<Arguments> pools() {
		return Stream.of(Arguments.of("server default (REPEATABLE READ)", null, true),
				Arguments.of("server default (REPEATABLE READ)", null, false),
				Arguments.of("SERIALIZABLE", "TRANSACTION_SERIALIZABLE", true),
				Arguments.of("SERIALIZABLE", "TRANSACTION_SERIALIZABLE", false));
	}

}
