package io.github.idempotency.spring.jpa;

import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Join-transaction end to end on a real PostgreSQL whose pool lends connections at REPEATABLE READ
 * ({@code spring.datasource.hikari.transaction-isolation}): the store's own transactions (claims, renewals, the
 * attached response) run at READ COMMITTED, the method's transaction and the completion written in it at the pool's
 * isolation.
 */
class JoinedTransactionRepeatableReadPostgresIT extends AbstractJoinedTransactionTest {

	private final String schema = "idem_joined_rr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

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
			.springDataSourceProperties(this.schema, "idempotency.jpa.initialize-schema=always",
					"spring.datasource.hikari.transaction-isolation=TRANSACTION_REPEATABLE_READ");
	}

}
