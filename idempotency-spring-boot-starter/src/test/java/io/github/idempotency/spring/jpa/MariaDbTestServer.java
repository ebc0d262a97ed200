package io.github.idempotency.spring.jpa;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A private MariaDB server for tests, one per JVM: {@code mariadbd} from this machine's {@code PATH}, started on a
 * free loopback port with a data directory of its own and stopped when the JVM exits. It never touches a server
 * that others use. Tests that need it are skipped, with a message, where {@code mariadbd} is not installed.
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
			String server = onPath("mariadbd");
			String installer = onPath("mariadb-install-db");
			Assumptions.assumeTrue(server != null && installer != null,
					"MariaDB tests skipped: mariadbd and mariadb-install-db are not on the PATH");
			shared = start(server, installer);
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

	private static MariaDbTestServer start(String server, String installer) {
		try {
			Path directory = Files.createTempDirectory("idempotency-mariadb");
			Path data = directory.resolve("data");
			String user = System.getProperty("user.name");
			run(installer, "--no-defaults", "--datadir=" + data, "--user=" + user, "--skip-test-db",
					"--auth-root-authentication-method=normal");
			int port = freePort();
			List<String> command = new ArrayList<>(List.of(server, "--no-defaults", "--datadir=" + data,
					"--port=" + port, "--bind-address=127.0.0.1", "--socket=" + directory.resolve("mariadb.sock"),
					"--skip-grant-tables", "--innodb-buffer-pool-size=32M", "--max-connections=200",
					"--user=" + user));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(directory.resolve("server.log").toFile())
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, directory), "mariadb-test-stop"));
			Awaitility.await()
				.atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> !process.isAlive() || accepts(port));
			if (!process.isAlive()) {
				throw new IllegalStateException("mariadbd exited with " + process.exitValue() + "; see "
						+ directory.resolve("server.log"));
			}
			String url = "jdbc:mariadb://127.0.0.1:" + port + "/";
			try (HikariDataSource dataSource = new MariaDbTestServer(url).newDataSource(1)) {
				PostgresTestServer.execute(dataSource, "CREATE DATABASE IF NOT EXISTS test");
			}
			return new MariaDbTestServer(url + "test");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start a private MariaDB server", ex);
		}
	}

	private static void run(String... command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		try {
			if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void stop(Process process, Path directory) {
		process.destroy();
		try {
			process.waitFor(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temporary directory left behind is harmless
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String onPath(String program) {
		// server binaries live in sbin, which a non-login PATH may lack
		String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
		for (String directory : path.split(File.pathSeparator)) {
			File file = new File(directory, program);
			if (file.canExecute()) {
				return file.getPath();
			}
		}
		return null;
	}

}
