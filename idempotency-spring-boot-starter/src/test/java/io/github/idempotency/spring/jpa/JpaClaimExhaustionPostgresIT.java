package io.github.idempotency.spring.jpa;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Claims that lose every attempt, on a real PostgreSQL ({@link PostgresTestServer}), whose claim is one statement.
 */
class JpaClaimExhaustionPostgresIT extends AbstractJpaClaimExhaustionTest {

	private static final String TABLE = AbstractJpaIdempotencyStoreTest.uniqueTableName("idem_exhaustion_it");

	private static HikariDataSource dataSource;

	@BeforeAll
	static void createTable() {
		dataSource = PostgresTestServer.get().newDataSource(4);
		AbstractJpaIdempotencyStoreTest.createTable(dataSource, TABLE);
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

}
