package io.github.idempotency.spring.jpa;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The JPA store on a real PostgreSQL ({@link PostgresTestServer}) through a pool that lends its connections in
 * manual-commit mode ({@code autoCommit=false}, as applications that let Hibernate skip its auto-commit check
 * configure it), on which the store runs its statements auto-committed: the whole contract must hold there too.
 */
class JpaIdempotencyStoreManualCommitPostgresIT extends AbstractJpaIdempotencyStoreTest {

	// on a pool of its own that auto-commits: the test's own changes of the rows (moving deadlines, corrupting a
	// record) commit on their own
	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onPostgres("idem_store_manual_it", 2);

	private static HikariDataSource manualCommit;

	@BeforeAll
	static void openManualCommitPool() {
		manualCommit = PostgresTestServer.get().newDataSource(32, false);
	}

	@AfterAll
	static void closeManualCommitPool() {
		manualCommit.close();
	}

	@Override
	protected StoreTestTable table() {
		return TABLE;
	}

	@Override
	protected DataSource dataSource() {
		return manualCommit;
	}

	@Override
	protected JdbcTemplate testJdbc() {
		return new JdbcTemplate(TABLE.dataSource());
	}

	@Override
	protected String shiftDeadlinesSql() {
		return "UPDATE " + TABLE.name()
				+ " SET expires_at = expires_at - CAST(? AS double precision) * INTERVAL '1 millisecond', "
				+ "purge_after = purge_after - CAST(? AS double precision) * INTERVAL '1 millisecond', "
				+ "awaiting_response_until = awaiting_response_until - CAST(? AS double precision) * INTERVAL '1 millisecond'";
	}

}
