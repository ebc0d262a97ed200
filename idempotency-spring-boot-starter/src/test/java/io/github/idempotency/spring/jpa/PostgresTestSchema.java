package io.github.idempotency.spring.jpa;

import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A schema of a test class's own on the shared {@link PostgresTestServer}, for tests that start an application on
 * the server: created before the class's first test and dropped with what it holds after its last
 * {@code @AfterAll} method, so after an application that those methods stop. Register it on a static field with
 * {@code @RegisterExtension}.
 */
public final class PostgresTestSchema implements BeforeAllCallback, AfterAllCallback {

	private final String name;

	/**
	 * A schema whose name starts with the given prefix and ends with random characters, so that test runs sharing
	 * the server do not meet.
	 * @param prefix the start of the name, e.g. {@code idem_joined}
	 */
	public PostgresTestSchema(String prefix) {
		this.name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	/**
	 * The settings for a Spring Boot application working in this schema.
	 * @param more further properties
	 * @return as {@link PostgresTestServer#springDataSourceProperties(String, String...)}
	 */
	public String[] springDataSourceProperties(String... more) {
		return PostgresTestServer.get().springDataSourceProperties(this.name, more);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		execute("CREATE SCHEMA " + this.name);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		execute("DROP SCHEMA " + this.name + " CASCADE");
	}

	private static void execute(String sql) {
		try (HikariDataSource dataSource = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(dataSource, sql);
		}
	}

}
