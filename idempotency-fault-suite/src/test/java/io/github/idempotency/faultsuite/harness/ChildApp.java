package io.github.idempotency.faultsuite.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * One instance of the sample app in a child JVM of its own, on a free loopback port, started from this module's
 * class path (so the test-only {@code fault-suite.broken} auto-configuration is on it). A scenario can kill it
 * ({@code SIGKILL}), freeze it ({@code SIGSTOP}) and thaw it ({@code SIGCONT}), always by its PID.
 */
public final class ChildApp implements AutoCloseable {

	// a start-up takes 30-40 s on a loaded machine, and over 150 s when other builds starve it of CPU
	private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

	private static final HttpClient probe = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(2))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	// children still running when the suite's JVM exits (a failed scenario, an interrupted run) are killed by PID
	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly), "fault-suite-child-apps"));
	}

	private final Process process;

	private final int port;

	private final Path log;

	private ChildApp(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts an instance and waits until its health endpoint answers.
	 * @param name a name for its log file
	 * @param profile the Spring profile, or {@code null} for the default (memory) run
	 * @param properties command-line properties
	 * @return the running instance
	 */
	public static ChildApp start(String name, String profile, Map<String, String> properties) {
		int port = FreePorts.next();
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
				"-XX:+UseSerialGC", "-Xss512k", "-cp", System.getProperty("java.class.path"),
				"io.github.idempotency.sample.SamplePaymentsApplication", "--server.port=" + port,
				"--server.address=127.0.0.1", "--logging.level.root=WARN",
				"--logging.level.io.github.idempotency=INFO", "--spring.main.banner-mode=off"));
		if (profile != null) {
			command.add("--spring.profiles.active=" + profile);
		}
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		try {
			Path log = Files.createDirectories(Path.of("target", "fault-suite-logs"))
				.resolve(name + "-" + port + ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			running.add(process);
			ChildApp app = new ChildApp(process, port, log);
			try {
				app.awaitHealthy();
			}
			catch (RuntimeException ex) {
				app.kill();
				throw ex;
			}
			return app;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The instance's log so far (it keeps growing after a kill: nothing; the file stays).
	 * @return the log's text
	 */
	public String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** Kills the JVM at once ({@code kill -9}), as a crash would. */
	public void kill() {
		this.process.destroyForcibly();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("app " + pid() + " did not exit after SIGKILL");
			}
			running.remove(this.process);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Freezes the JVM ({@code SIGSTOP}): its threads, timers and lease renewals stop, its sockets stay open. */
	public void pause() {
		Signals.send(pid(), "STOP");
	}

	/** Thaws a frozen JVM ({@code SIGCONT}). */
	public void resume() {
		Signals.send(pid(), "CONT");
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			resume();
			kill();
		}
	}

	private void awaitHealthy() {
		await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						"the app exited with " + this.process.exitValue() + " at start-up; log: " + this.log);
			}
			return healthy();
		});
	}

	private boolean healthy() {
		try {
			HttpResponse<Void> response = probe.send(
					HttpRequest.newBuilder(uri("/actuator/health")).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.discarding());
			return response.statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public String toString() {
		return "app[pid " + pid() + ", port " + this.port + ", log " + this.log + "]";
	}

}
