package io.github.idempotency.sample.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code postgres} profile: payments, orders and idempotency records in PostgreSQL, in a schema of this run
 * only, with the JPA store joining the controller's transaction.
 */
class PostgresStorePaymentsIT extends AbstractSharedStoreEndToEndIT {

	private final String schema = "sample_e2e_" + UUID.randomUUID().toString().replace("-", "");

	private boolean schemaCreated;

	@Override
	void afterAppStopped() {
		if (this.schemaCreated) {
			execute("drop schema if exists " + this.schema + " cascade");
		}
	}

	@Override
	RunningApp startApp(Map<String, String> extraProperties) {
		if (!this.schemaCreated) {
			execute("create schema " + this.schema);
			this.schemaCreated = true;
		}
		Map<String, String> properties = new HashMap<>();
		properties.put("spring.datasource.url", jdbcUrl() + separator() + "currentSchema=" + this.schema);
		properties.put("spring.jpa.properties.hibernate.default_schema", this.schema);
		properties.putAll(extraProperties);
		return RunningApp.start("postgres", properties);
	}

	private static void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl(), "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "'", ex);
		}
	}

	private static String jdbcUrl() {
		return TestServers.postgresJdbcUrl();
	}

	private static String separator() {
		return jdbcUrl().contains("?") ? "&" : "?";
	}

}
