package io.github.idempotency.spring.messaging;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A program in a JVM of its own, started from the test class path, that a test can kill like a crash would
 * ({@code SIGKILL}) or stop gracefully ({@code SIGTERM}), always by its PID. The child tells the test where it is
 * by {@link #report(String, String) reporting events} on its standard output; the test waits for them with a
 * deadline. Everything the child prints is also kept in a log file under {@code target/child-jvm-logs}.
 * <p>
 * Children still running when the test JVM exits (a failed test, an interrupted run) are killed by a shutdown hook.
 */
public final class ChildJvm implements AutoCloseable {

	/** Marks the lines of the child's standard output that are events for the test. */
	static final String EVENT_MARK = "[child-event] ";

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly), "child-jvm-reaper"));
	}

	private final String name;

	private final Process process;

	private final Path log;

	private final List<String> events = new CopyOnWriteArrayList<>();

	private ChildJvm(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts {@code mainClass} in a new JVM on this JVM's class path.
	 * @param name a name for its log file and messages
	 * @param mainClass the class whose {@code main} runs
	 * @param arguments its arguments
	 * @return the running child
	 */
	public static ChildJvm start(String name, Class<?> mainClass, List<String> arguments) {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		// small and quick to start: the children do little, and the machine running the tests may be busy
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
				"-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(arguments);
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			running.add(process);
			Path log = Files.createDirectories(Path.of("target", "child-jvm-logs"))
				.resolve(name + "-" + process.pid() + ".log");
			ChildJvm child = new ChildJvm(name, process, log);
			Thread reader = new Thread(child::readOutput, "child-jvm-output-" + process.pid());
			reader.setDaemon(true);
			reader.start();
			return child;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Called in the child: tells the test that something happened.
	 * @param event what happened, one word
	 * @param detail what it happened to, and how (no line breaks)
	 */
	public static void report(String event, String detail) {
		System.out.println(EVENT_MARK + event + " " + detail);
		System.out.flush();
	}

	/**
	 * Called in the child: reports an event, then blocks the calling thread until the test kills the JVM. The rest of
	 * the JVM (its heartbeats, lease renewals, broker connections) carries on meanwhile, as it would in a process
	 * that is about to crash.
	 * @param event what happened, one word
	 * @param detail what it happened to (no line breaks)
	 */
	public static void reportAndAwaitKill(String event, String detail) {
		report(event, detail);
		while (true) {
			try {
				Thread.sleep(Long.MAX_VALUE);
			}
			catch (InterruptedException ex) {
				// only SIGKILL ends this thread: the point of the kill is that nothing after it runs
			}
		}
	}

	/**
	 * Waits until the child reports an event whose detail starts with {@code detailPrefix}.
	 * @param event the event
	 * @param detailPrefix the start of its detail
	 * @param timeout the most to wait
	 * @return the event's detail
	 * @throws IllegalStateException when the child exits first or the time runs out
	 */
	public String awaitEvent(String event, String detailPrefix, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Optional<String> found = findEvent(event, detailPrefix);
			if (found.isPresent()) {
				return found.get();
			}
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this + " exited with " + this.process.exitValue() + " before it "
						+ "reported " + event + " " + detailPrefix + "; its output is in " + this.log.toAbsolutePath());
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(this + " did not report " + event + " " + detailPrefix + " within "
						+ timeout + "; its output is in " + this.log.toAbsolutePath());
			}
			pause(50);
		}
	}

	/**
	 * The details of the events of one kind that the child reported so far, in order.
	 * @param event the event
	 * @return their details
	 */
	public List<String> events(String event) {
		String prefix = event + " ";
		return this.events.stream()
			.filter((line) -> line.startsWith(prefix))
			.map((line) -> line.substring(prefix.length()))
			.toList();
	}

	private Optional<String> findEvent(String event, String detailPrefix) {
		return events(event).stream().filter((detail) -> detail.startsWith(detailPrefix)).findFirst();
	}

	/** Kills the child at once ({@code kill -9}), as a crash would, and waits until it is gone. */
	public void kill() {
		this.process.destroyForcibly();
		awaitExit(Duration.ofSeconds(30), "SIGKILL");
	}

	/**
	 * Asks the child to stop ({@code SIGTERM}, which runs its shutdown hooks) and waits until it exited.
	 * @param timeout the most to wait
	 * @return its exit status
	 */
	public int stop(Duration timeout) {
		this.process.destroy();
		awaitExit(timeout, "SIGTERM");
		return this.process.exitValue();
	}

	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** Kills the child if it still runs. */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	private void awaitExit(Duration timeout, String signal) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(this + " did not exit within " + timeout + " after " + signal);
			}
			running.remove(this.process);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void readOutput() {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter copy = new PrintWriter(Files.newBufferedWriter(this.log, StandardCharsets.UTF_8), true)) {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				copy.println(line);
				int mark = line.indexOf(EVENT_MARK);
				if (mark >= 0) {
					this.events.add(line.substring(mark + EVENT_MARK.length()));
				}
			}
		}
		catch (IOException ex) {
			// the child died with its pipe; what it printed so far is kept
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "child JVM " + this.name + " (pid " + pid() + ")";
	}

}
