package io.github.idempotency.spring.jpa;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The JPA store on a real PostgreSQL ({@link PostgresTestServer}) through a pool that lends its connections in
 * manual-commit mode ({@code autoCommit=false}, as applications that let Hibernate skip its auto-commit check
 * configure it), on which the store runs its statements auto-committed: the whole contract must hold there too.
 */
class JpaIdempotencyStoreManualCommitPostgresIT extends AbstractJpaIdempotencyStoreTest {

	private static final String TABLE = uniqueTableName("idem_store_manual_it");

	private static HikariDataSource manualCommit;

	// the test's own changes of the rows (moving deadlines, corrupting a record) commit on their own
	private static HikariDataSource autoCommit;

	@BeforeAll
	static void createTable() {
		manualCommit = PostgresTestServer.get().newDataSource(32, false);
		autoCommit = PostgresTestServer.get().newDataSource(2);
		createTable(autoCommit, TABLE);
	}

	@AfterAll
	static void dropTable() {
		PostgresTestServer.execute(autoCommit, "DROP TABLE IF EXISTS " + TABLE);
		manualCommit.close();
		autoCommit.close();
	}

	@Override
	protected DataSource dataSource() {
		return manualCommit;
	}

	@Override
	protected String tableName() {
		return TABLE;
	}

	@Override
	protected JdbcTemplate testJdbc() {
		return new JdbcTemplate(autoCommit);
	}

	@Override
	protected String shiftDeadlinesSql() {
		return "UPDATE " + TABLE + " SET expires_at = expires_at - CAST(? AS double precision) * INTERVAL '1 millisecond', "
				+ "awaiting_response_until = awaiting_response_until - CAST(? AS double precision) * INTERVAL '1 millisecond'";
	}

}
