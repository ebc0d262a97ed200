package io.github.idempotency.spring.jpa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * A private MariaDB server for tests, one per JVM: a {@link MariaDbServerProcess} on a free loopback port, stopped
 * when the JVM exits. It never touches a server that others use. Tests that need it are skipped, with a message,
 * where {@code mariadbd} is not installed.
 */
final class MariaDbTestServer {

	private static MariaDbTestServer shared;

	private final String jdbcUrl;

	private MariaDbTestServer(String jdbcUrl) {
		this.jdbcUrl = jdbcUrl;
	}

	/**
	 * The server of this JVM; aborts the calling test when MariaDB is not installed.
	 * @return the server
	 */
	static synchronized MariaDbTestServer get() {
		if (shared == null) {
			Assumptions.assumeTrue(MariaDbServerProcess.installed(),
					"MariaDB tests skipped: mariadbd and mariadb-install-db are not on the PATH");
			MariaDbServerProcess server = MariaDbServerProcess.start(freePort(), "test", Duration.ofSeconds(60));
			Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mariadb-test-stop"));
			shared = new MariaDbTestServer(server.jdbcUrl());
		}
		return shared;
	}

	/**
	 * The settings for a Spring Boot application on this server.
	 * @param more further properties
	 * @return {@code spring.datasource.*} properties and the others, as {@code key=value}
	 */
	String[] springDataSourceProperties(String... more) {
		List<String> properties = new ArrayList<>(
				List.of("spring.datasource.url=" + this.jdbcUrl, "spring.datasource.username=root"));
		properties.addAll(List.of(more));
		return properties.toArray(String[]::new);
	}

	HikariDataSource newDataSource(int maximumPoolSize) {
		return newDataSource(maximumPoolSize, true, null);
	}

	/**
	 * A new connection pool on the server.
	 * @param autoCommit whether it lends connections in auto-commit mode
	 * @param transactionIsolation the isolation it lends connections at ({@code TRANSACTION_SERIALIZABLE}), or
	 * {@code null} for the server's default (REPEATABLE READ)
	 */
	HikariDataSource newDataSource(int maximumPoolSize, boolean autoCommit, String transactionIsolation) {
		HikariConfig config = new HikariConfig();
		config.setAutoCommit(autoCommit);
		config.setTransactionIsolation(transactionIsolation);
		config.setJdbcUrl(this.jdbcUrl);
		config.setUsername("root");
		config.setMaximumPoolSize(maximumPoolSize);
		config.setPoolName("idempotency-test-mariadb");
		return new HikariDataSource(config);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
