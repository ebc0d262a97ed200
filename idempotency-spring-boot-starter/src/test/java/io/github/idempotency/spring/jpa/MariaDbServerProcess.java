package io.github.idempotency.spring.jpa;

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
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/**
 * A {@code mariadbd} process of a test's own: {@code mariadbd} and {@code mariadb-install-db} from this machine's
 * {@code PATH} (or {@code /usr/sbin}), a fresh data directory, a loopback port, no grant tables (user {@code root},
 * no password), and one database. It never touches a server that others use. Closing it stops the server and deletes
 * its directory.
 * @param process the server's process
 * @param directory its data directory, log and socket
 * @param jdbcUrl the JDBC URL of its database, for user {@code root} without a password
 */
public record MariaDbServerProcess(Process process, Path directory, String jdbcUrl) implements AutoCloseable {

	/**
	 * Whether the server can start here.
	 * @return {@code true} when {@code mariadbd} and {@code mariadb-install-db} are installed
	 */
	public static boolean installed() {
		return onPath("mariadbd") != null && onPath("mariadb-install-db") != null;
	}

	/**
	 * Installs a data directory and starts a server on it (call {@link #installed()} first).
	 * @param port the free loopback port to listen on
	 * @param database the database to create
	 * @param patience how long the server may take to accept connections
	 * @return the running server
	 * @throws IllegalStateException when the server exits or does not answer in time
	 */
	public static MariaDbServerProcess start(int port, String database, Duration patience) {
		try {
			Path directory = Files.createTempDirectory("idempotency-mariadb");
			Path data = directory.resolve("data");
			String user = System.getProperty("user.name");
			run(onPath("mariadb-install-db"), "--no-defaults", "--datadir=" + data, "--user=" + user,
					"--skip-test-db", "--auth-root-authentication-method=normal");
			Process process = new ProcessBuilder(onPath("mariadbd"), "--no-defaults", "--datadir=" + data,
					"--port=" + port, "--bind-address=127.0.0.1", "--socket=" + directory.resolve("mariadb.sock"),
					"--skip-grant-tables", "--innodb-buffer-pool-size=32M", "--max-connections=200", "--user=" + user)
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("server.log").toFile())
				.start();
			String url = "jdbc:mariadb://127.0.0.1:" + port + "/";
			MariaDbServerProcess server = new MariaDbServerProcess(process, directory, url + database);
			try {
				Awaitility.await()
					.atMost(patience)
					.pollInterval(Duration.ofMillis(100))
					.until(() -> !process.isAlive() || accepts(port));
				if (!process.isAlive()) {
					throw new IllegalStateException("mariadbd exited with " + process.exitValue() + "; see "
							+ directory.resolve("server.log"));
				}
				try (Connection connection = DriverManager.getConnection(url, "root", "");
						Statement statement = connection.createStatement()) {
					statement.execute("CREATE DATABASE IF NOT EXISTS " + database);
				}
				return server;
			}
			catch (RuntimeException | SQLException ex) {
				// a server that did not come up is stopped at once, not left to the end of the JVM
				server.close();
				throw (ex instanceof RuntimeException runtime) ? runtime
						: new IllegalStateException("Could not create the database " + database, ex);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start a private MariaDB server", ex);
		}
	}

	/**
	 * Whether the server still runs.
	 * @return {@code true} until it exits or is closed
	 */
	public boolean isRunning() {
		return this.process.isAlive();
	}

	/** Stops the server (killed when it takes over 30 s) and deletes its data directory. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// a temporary directory left behind is harmless
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
