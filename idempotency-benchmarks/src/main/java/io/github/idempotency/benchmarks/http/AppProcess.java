package io.github.idempotency.benchmarks.http;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample app in a JVM of its own, started with the {@code bench} profile on a free port, and stopped again.
 */
final class AppProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private AppProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts the app and waits until it answers.
	 * @param jar the sample app's executable jar
	 * @param jvmOptions options for its JVM
	 * @param arguments Spring arguments ({@code --name=value})
	 * @param log where its output goes
	 * @param timeout how long it may take to start
	 * @return the running app
	 * @throws Exception when it does not start in time
	 */
	static AppProcess start(Path jar, List<String> jvmOptions, List<String> arguments, Path log, Duration timeout)
			throws Exception {
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=" + port);
		command.addAll(arguments);
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		AppProcess app = new AppProcess(process, port, log);
		app.awaitReady(timeout);
		return app;
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	private void awaitReady(Duration timeout) throws Exception {
		Requests requests = new Requests("127.0.0.1", this.port);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() - deadline < 0) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("The app exited with " + this.process.exitValue() + "; see " + this.log);
			}
			try (HttpConnection connection = new HttpConnection("127.0.0.1", this.port)) {
				if (connection.fetch(requests.get("/actuator/health")).contains("\"UP\"")) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(500);
		}
		close();
		throw new IllegalStateException("The app did not start within " + timeout + "; see " + this.log);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	static Path logFile(Path directory, String store) {
		return new File(directory.toFile(), "app-" + store + ".log").toPath();
	}

}
