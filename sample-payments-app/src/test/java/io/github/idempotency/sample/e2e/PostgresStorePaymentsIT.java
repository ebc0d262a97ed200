package io.github.idempotency.sample.e2e;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.spring.jpa.PostgresTestServer;

/**
 * The {@code postgres} profile: payments, orders and idempotency records in PostgreSQL, in a schema of this run
 * only, with the JPA store joining the controller's transaction.
 */
class PostgresStorePaymentsIT extends AbstractSharedStoreEndToEndIT {

	private final String schema = "sample_e2e_" + UUID.randomUUID().toString().replace("-", "");

	private boolean schemaCreated;

	@Override
	RunningApp startApp(Map<String, String> extraProperties) {
		if (!this.schemaCreated) {
			execute("create schema " + this.schema);
			this.schemaCreated = true;
		}
		Map<String, String> properties = new HashMap<>();
		for (String property : PostgresTestServer.get().springDataSourceProperties(this.schema)) {
			int separator = property.indexOf('=');
			properties.put(property.substring(0, separator), property.substring(separator + 1));
		}
		properties.put("spring.jpa.properties.hibernate.default_schema", this.schema);
		properties.putAll(extraProperties);
		return RunningApp.start("postgres", properties);
	}

	@Override
	void afterAppStopped() {
		if (this.schemaCreated) {
			execute("drop schema if exists " + this.schema + " cascade");
		}
	}

	private static void execute(String sql) {
		try (HikariDataSource dataSource = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(dataSource, sql);
		}
	}

}
