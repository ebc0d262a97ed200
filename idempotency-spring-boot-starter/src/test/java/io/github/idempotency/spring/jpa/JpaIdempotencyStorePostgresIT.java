package io.github.idempotency.spring.jpa;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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

	@Override
	protected String shiftDeadlinesSql() {
		return "UPDATE " + TABLE + " SET expires_at = expires_at - CAST(? AS double precision) * INTERVAL '1 millisecond'";
	}

}
