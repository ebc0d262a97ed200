package io.github.idempotency.faultsuite.stores;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.faultsuite.harness.FreePorts;
import org.junit.jupiter.api.Assumptions;

import static org.awaitility.Awaitility.await;

/**
 * A MariaDB server of the suite's own: {@code mariadbd} from the machine, a child process with a fresh data
 * directory on a free loopback port (the machine's shared server is never touched). The app runs its JPA profile
 * on it, payments and idempotency records in one database. The server starts once per suite (installing a data
 * directory costs seconds of CPU) and the app's tables are emptied each time a scenario asks for it; it
 * stops when the suite's JVM exits.
 */
public final class MariaDbStore implements StoreUnderTest {

	private static MariaDbStore running;

	private final Process process;

	private final String jdbcUrl;

	private MariaDbStore(Process process, String jdbcUrl) {
		this.process = process;
		this.jdbcUrl = jdbcUrl;
	}

	/**
	 * Starts a server; skips the calling scenario where MariaDB is not installed.
	 * @return the store
	 */
	public static synchronized MariaDbStore start() {
		if (running == null || !running.process.isAlive()) {
			running = startServer();
			Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "fault-suite-mariadb"));
		}
		StoreDatabase.of(running).emptyAppTables();
		return running;
	}

	private static MariaDbStore startServer() {
		String server = onPath("mariadbd");
		String installer = onPath("mariadb-install-db");
		Assumptions.assumeTrue(server != null && installer != null, "mariadbd is not installed");
		try {
			Path directory = Files.createTempDirectory("fault-suite-mariadb");
			Path data = directory.resolve("data");
			String user = System.getProperty("user.name");
			run(installer, "--no-defaults", "--datadir=" + data, "--user=" + user, "--skip-test-db",
					"--auth-root-authentication-method=normal");
			int port = FreePorts.next();
			Process process = new ProcessBuilder(server, "--no-defaults", "--datadir=" + data, "--port=" + port,
					"--bind-address=127.0.0.1", "--socket=" + directory.resolve("mariadb.sock"), "--skip-grant-tables",
					"--innodb-buffer-pool-size=32M", "--max-connections=200", "--user=" + user)
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("server.log").toFile())
				.start();
			await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("mariadbd exited; see " + directory.resolve("server.log"));
				}
				return accepts(port);
			});
			String url = "jdbc:mariadb://127.0.0.1:" + port + "/";
			try (Connection connection = DriverManager.getConnection(url, "root", "");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE IF NOT EXISTS faultsuite");
			}
			return new MariaDbStore(process, url + "faultsuite");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String name() {
		return "mariadb";
	}

	@Override
	public String profile() {
		// the JPA profile; its datasource is pointed at MariaDB below
		return "postgres";
	}

	@Override
	public Map<String, String> appProperties() {
		return Map.of("spring.datasource.url", this.jdbcUrl, "spring.datasource.username", "root",
				"spring.datasource.password", "", "spring.datasource.hikari.maximum-pool-size", "20");
	}

	/** The server outlives the scenario: the next one empties its tables. */
	@Override
	public void close() {
	}

	private void stop() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
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

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String onPath(String program) {
		String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
		return List.of(path.split(File.pathSeparator))
			.stream()
			.map((directory) -> new File(directory, program))
			.filter(File::canExecute)
			.map(File::getPath)
			.findFirst()
			.orElse(null);
	}

}
