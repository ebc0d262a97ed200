package io.github.idempotency.spring.jpa;

import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Join-transaction on a real PostgreSQL ({@link PostgresTestServer}), in a schema of the test class's own.
 */
class TransactionalCompletionPostgresIT extends AbstractTransactionalCompletionTest {

	private static final String SCHEMA = "idem_tx_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	@BeforeAll
	static void createSchema() {
		try (HikariDataSource dataSource = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(dataSource, "CREATE SCHEMA " + SCHEMA);
		}
	}

	@AfterAll
	static void dropSchema() {
		try (HikariDataSource dataSource = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(dataSource, "DROP SCHEMA " + SCHEMA + " CASCADE");
		}
	}

	@Override
	protected String[] applicationProperties() {
		return PostgresTestServer.get().springDataSourceProperties(SCHEMA, "idempotency.jpa.initialize-schema=always");
	}

}
