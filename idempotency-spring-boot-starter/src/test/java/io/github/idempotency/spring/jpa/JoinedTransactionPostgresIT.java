package io.github.idempotency.spring.jpa;

import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Join-transaction end to end on a real PostgreSQL ({@link PostgresTestServer}), in a schema of the test class's
 * own.
 */
class JoinedTransactionPostgresIT extends AbstractJoinedTransactionTest {

	private final String schema = "idem_joined_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	@BeforeAll
	void createSchema() {
		try (HikariDataSource dataSource = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(dataSource, "CREATE SCHEMA " + this.schema);
		}
	}

	@AfterAll
	void dropSchema() {
		stopApplication();
		try (HikariDataSource dataSource = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(dataSource, "DROP SCHEMA " + this.schema + " CASCADE");
		}
	}

	@Override
	protected String[] applicationProperties() {
		return PostgresTestServer.get()
			.springDataSourceProperties(this.schema, "idempotency.jpa.initialize-schema=always");
	}

}
