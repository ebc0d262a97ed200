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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.idempotency.faultsuite.broken.BrokenSetting;

import static org.awaitility.Awaitility.await;

/**
 * One instance of an {@linkplain AppUnderTest app} (the sample app unless a scenario names another) in a child JVM
 * of its own, on a free loopback port, started from this module's class path (so the test-only
 * {@code fault-suite.broken} auto-configuration is on it). A scenario can kill it ({@code SIGKILL}), freeze it
 * ({@code SIGSTOP}) and thaw it ({@code SIGCONT}), always by its PID.
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

	// instances that scenarios share, by profile and properties (ChildApp.shared)
	private static final Map<String, ChildApp> sharedApps = new HashMap<>();

	private final AppUnderTest app;

	private final Process process;

	private final int port;

	private final Path log;

	private final boolean isShared;

	private ChildApp(AppUnderTest app, Process process, int port, Path log, boolean isShared) {
		this.app = app;
		this.process = process;
		this.port = port;
		this.log = log;
		this.isShared = isShared;
	}

	/**
	 * Starts an instance and waits until its health endpoint answers.
	 * @param name a name for its log file
	 * @param profile the Spring profile, or {@code null} for the default (memory) run
	 * @param properties command-line properties
	 * @return the running instance
	 */
	public static ChildApp start(String name, String profile, Map<String, String> properties) {
		return start(AppUnderTest.SAMPLE_APP, name, profile, properties, false, null);
	}

	/**
	 * Starts an instance, waits until it is ready, then warms it up: what its first requests would pay (the
	 * dispatcher's and the persistence layer's first use, the interpreter's first passes) is paid before it is handed
	 * out, and counted in its start-up. For scenarios that start many instances of one configuration (scenario 2
	 * starts 46): it starts on a Spring AOT-processed context and maps a class-data archive of that configuration,
	 * both made before its first such start (the archive by a training start with that warm-up); the other starts map
	 * the default configuration's archive.
	 * @param app the app
	 * @param name a name for its log file
	 * @param profile the Spring profile, or {@code null} for the default (memory) run
	 * @param properties command-line properties
	 * @param warmUp requests that leave nothing behind in the app's stores
	 * @return the running, warmed-up instance
	 */
	public static ChildApp start(AppUnderTest app, String name, String profile, Map<String, String> properties,
			Consumer<ChildApp> warmUp) {
		return start(app, name, profile, properties, false, warmUp);
	}

	/**
	 * An instance that scenarios share: the one started earlier with the same profile and properties if it still
	 * runs and answers, otherwise a new one. Its {@link #close()} leaves it running for the next scenario; it is
	 * killed when the suite's JVM exits. Only for scenarios that neither kill nor freeze it, and whose checks count
	 * their own keys and the instance's counters as differences. An instance started with {@code fault-suite.broken}
	 * is handed out repaired.
	 * @param name a name for its log file
	 * @param profile the Spring profile, or {@code null} for the default (memory) run
	 * @param properties command-line properties
	 * @return the running instance
	 */
	public static synchronized ChildApp shared(String name, String profile, Map<String, String> properties) {
		String key = profile + " " + new TreeMap<>(properties);
		ChildApp app = sharedApps.get(key);
		if (app == null || !app.isAlive() || !app.ready()) {
			if (app != null) {
				app.kill();
			}
			app = start(AppUnderTest.SAMPLE_APP, name, profile, properties, true, null);
			sharedApps.put(key, app);
		}
		else if (properties.containsKey(BrokenSetting.PROPERTY)) {
			app.breakWith(null);
		}
		return app;
	}

	// without a warm-up, the default configuration's archive: a configuration's own costs a training start (and a
	// Spring AOT processing), which pays only where many instances start, and needs its store up (the start scenario
	// 8 expects to fail would fail it)
	private static ChildApp start(AppUnderTest app, String name, String profile, Map<String, String> properties,
			boolean isShared, Consumer<ChildApp> warmUp) {
		String classPath = ChildClassPath.get();
		List<String> jvmOptions = new ArrayList<>();
		if (warmUp != null) {
			List<String> arguments = appArguments(app, 0, profile, properties);
			AotProcessedContext aot = AotProcessedContext.of(ClassDataArchive.configuration(app, profile, properties),
					app, classPath, arguments);
			if (aot != null) {
				classPath = aot.jar() + File.pathSeparator + classPath;
				if (aot.serves(arguments)) {
					jvmOptions.add("-Dspring.aot.enabled=true");
				}
			}
			String trainingClassPath = classPath;
			List<String> trainingOptions = List.copyOf(jvmOptions);
			jvmOptions.addAll(ClassDataArchive.jvmOptions(app, profile, properties, classPath,
					(archiveOptions, trainingLog) -> train(app, profile, properties, warmUp, trainingClassPath,
							concat(trainingOptions, archiveOptions), trainingLog)));
		}
		else {
			jvmOptions.addAll(defaultArchive());
		}
		int port = FreePorts.next();
		try {
			Path log = Files.createDirectories(Path.of("target", "fault-suite-logs"))
				.resolve(name + "-" + port + ".log");
			long startedAt = System.nanoTime();
			Process process = launch(app, port, profile, properties, classPath, jvmOptions, log);
			ChildApp instance = new ChildApp(app, process, port, log, isShared);
			try {
				instance.awaitReady();
				if (warmUp != null) {
					warmUp.accept(instance);
				}
			}
			catch (RuntimeException ex) {
				instance.kill();
				throw ex;
			}
			finally {
				StartUps.record(name, System.nanoTime() - startedAt,
						process.info().totalCpuDuration().orElse(Duration.ZERO));
			}
			return instance;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> both = new ArrayList<>(first);
		both.addAll(second);
		return both;
	}

	/**
	 * The JVM options that map the default configuration's class-data archive (no profile, the memory store), made
	 * first if need be: the archive of every start without a warm-up.
	 * @return the options, empty without an archive
	 */
	static List<String> defaultArchive() {
		String classPath = ChildClassPath.get();
		return ClassDataArchive.jvmOptions(AppUnderTest.SAMPLE_APP, null, Map.of(), classPath,
				(trainingOptions, trainingLog) -> train(AppUnderTest.SAMPLE_APP, null, Map.of(), (app) -> {
				}, classPath, trainingOptions, trainingLog));
	}

	// the class-data archive's training start: an instance as the caller's, warmed up as they are, stopped with
	// SIGTERM so that its JVM exits normally and writes the archive
	private static boolean train(AppUnderTest app, String profile, Map<String, String> properties,
			Consumer<ChildApp> warmUp, String classPath, List<String> jvmOptions, Path log) {
		int port = FreePorts.next();
		try {
			Process process = launch(app, port, profile, properties, classPath, jvmOptions, log);
			ChildApp instance = new ChildApp(app, process, port, log, false);
			try {
				instance.awaitReady();
				warmUp.accept(instance);
				process.destroy();
				boolean exited = process.waitFor(2, TimeUnit.MINUTES);
				if (exited) {
					running.remove(process);
				}
				return exited;
			}
			finally {
				if (process.isAlive()) {
					instance.kill();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static Process launch(AppUnderTest app, int port, String profile, Map<String, String> properties,
			String classPath, List<String> jvmOptions, Path log) throws IOException {
		List<String> command = new ArrayList<>(jvm());
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", classPath, app.mainClass()));
		command.addAll(appArguments(app, port, profile, properties));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		running.add(process);
		return process;
	}

	private static List<String> appArguments(AppUnderTest app, int port, String profile,
			Map<String, String> properties) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--logging.level.root=WARN", "--logging.level.io.github.idempotency=INFO",
				"--spring.main.banner-mode=off"));
		if (profile != null) {
			arguments.add("--spring.profiles.active=" + profile);
		}
		arguments.addAll(app.arguments(profile));
		properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
		return arguments;
	}

	/**
	 * The child JVM's options: a small heap as the scenarios assume ({@code -Xmx256m}), and what makes a short-lived
	 * JVM start fast: the C1 compiler only, the serial collector, small thread stacks.
	 * @return the options
	 */
	static List<String> jvm() {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		return List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");
	}

	/**
	 * Switches the app's broken setting (the app must have started with {@code fault-suite.broken} set, to
	 * {@code none} for an intact start): a scenario's negative control then runs in the app of its main run.
	 * @param setting the setting, or {@code null} to repair it
	 */
	public void breakWith(BrokenSetting setting) {
		String value = (setting != null) ? setting.value() : "none";
		try {
			HttpResponse<String> response = probe.send(HttpRequest.newBuilder(uri("/fault-suite/broken?setting=" + value))
				.timeout(Duration.ofSeconds(30))
				.header("Authorization", "Basic " + java.util.Base64.getEncoder()
					.encodeToString("alice:alice-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200 || !value.equals(response.body())) {
				throw new IllegalStateException("switching " + this + " to " + value + " answered "
						+ response.statusCode() + " " + response.body());
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

	/** Kills the instance (thawed first, if frozen), unless it is {@linkplain #shared shared}. */
	@Override
	public void close() {
		if (!this.isShared && this.process.isAlive()) {
			resume();
			kill();
		}
	}

	private void awaitReady() {
		await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						"the app exited with " + this.process.exitValue() + " at start-up; log: " + this.log);
			}
			return ready();
		});
	}

	private boolean ready() {
		try {
			HttpResponse<Void> response = probe.send(
					HttpRequest.newBuilder(uri(this.app.readinessPath())).timeout(Duration.ofSeconds(5)).build(),
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
