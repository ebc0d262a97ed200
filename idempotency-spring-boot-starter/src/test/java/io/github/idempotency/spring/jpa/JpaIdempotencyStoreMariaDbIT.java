package io.github.idempotency.spring.jpa;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The JPA store on a private MariaDB server ({@link MariaDbTestServer}), with the MySQL/MariaDB dialect and the
 * {@code schema-mariadb.sql} script.
 */
class JpaIdempotencyStoreMariaDbIT extends AbstractJpaIdempotencyStoreTest {

	private static final String TABLE = uniqueTableName("idem_store_it");

	private static HikariDataSource dataSource;

	@BeforeAll
	static void createTable() {
		dataSource = MariaDbTestServer.get().newDataSource(32);
		createTable(dataSource, TABLE);
	}

	@AfterAll
	static void dropTable() {
		if (dataSource != null) {
			PostgresTestServer.execute(dataSource, "DROP TABLE IF EXISTS " + TABLE);
			dataSource.close();
		}
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
		return "UPDATE " + TABLE + " SET expires_at = TIMESTAMPADD(MICROSECOND, -1000 * ?, expires_at), "
				+ "awaiting_response_until = TIMESTAMPADD(MICROSECOND, -1000 * ?, awaiting_response_until)";
	}

}
