package io.github.idempotency.spring.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A {@code redis-server} process of a test's own, on a free loopback port, with no persistence: for tests that stop,
 * restart, reconfigure or cluster a server, which must never touch a server that other people share.
 * <p>
 * The binary is the machine's {@code redis-server} when there is one, else the one shipped in the
 * {@code com.github.codemonstur:embedded-redis} artifact for this platform; {@link #binary()} is empty when neither
 * runs, and tests then skip with a message.
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private static final List<Path> SYSTEM_BINARIES = List.of(Path.of("/usr/bin/redis-server"),
			Path.of("/usr/local/bin/redis-server"), Path.of("/opt/homebrew/bin/redis-server"));

	private static Optional<Path> systemBinary;

	private static Optional<Path> embeddedBinary;

	private final Path binary;

	private final int port;

	private final Path directory;

	private final List<String> arguments;

	private Process process;

	private RedisServerProcess(Path binary, int port, Path directory, List<String> arguments) {
		this.binary = binary;
		this.port = port;
		this.directory = directory;
		this.arguments = List.copyOf(arguments);
	}

	/**
	 * Starts a server on a free port.
	 * @param binary the {@code redis-server} binary
	 * @param arguments extra configuration, such as {@code "--maxmemory-policy", "volatile-lru"}
	 * @return the running server
	 */
	public static RedisServerProcess start(Path binary, String... arguments) {
		try {
			RedisServerProcess server = new RedisServerProcess(binary, freePort(),
					Files.createTempDirectory("idempotency-redis-"), List.of(arguments));
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The binary for tests that start servers of their own: the machine's, else the embedded artifact's.
	 * @return a binary that runs, or empty
	 */
	public static synchronized Optional<Path> binary() {
		return systemBinary().or(RedisServerProcess::embeddedBinary);
	}

	/**
	 * The machine's {@code redis-server}, if it runs.
	 * @return the binary, or empty
	 */
	public static synchronized Optional<Path> systemBinary() {
		if (systemBinary == null) {
			List<Path> candidates = new ArrayList<>();
			String path = System.getenv("PATH");
			if (path != null) {
				for (String directory : path.split(java.io.File.pathSeparator)) {
					if (!directory.isEmpty()) {
						candidates.add(Path.of(directory, "redis-server"));
					}
				}
			}
			candidates.addAll(SYSTEM_BINARIES);
			systemBinary = candidates.stream().filter(RedisServerProcess::runs).findFirst();
		}
		return systemBinary;
	}

	/**
	 * The {@code redis-server} shipped in the {@code embedded-redis} artifact for this platform, extracted to a
	 * temporary file, if it runs here.
	 * @return the binary, or empty
	 */
	public static synchronized Optional<Path> embeddedBinary() {
		if (embeddedBinary == null) {
			embeddedBinary = extractEmbeddedBinary().filter(RedisServerProcess::runs);
		}
		return embeddedBinary;
	}

	public int port() {
		return this.port;
	}

	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	public boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/** Kills the server at once (SIGKILL), as a crash or a lost network would: clients see a dead connection. */
	public void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			waitForExit();
		}
	}

	/** Starts the server again on the same port, empty (it has no persistence). */
	public void restart() {
		kill();
		start();
	}

	/** Suspends the process (SIGSTOP): it keeps its connections open but answers nothing. */
	public void pause() {
		signal("-STOP");
	}

	/** Resumes a suspended process (SIGCONT). */
	public void resume() {
		signal("-CONT");
	}

	@Override
	public void close() {
		if (this.process != null && this.process.isAlive()) {
			resume();
		}
		kill();
	}

	private void start() {
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "--port", Integer.toString(this.port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.directory.toString(),
				"--daemonize", "no"));
		command.addAll(this.arguments);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to start " + this.binary, ex);
		}
		await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited at start-up: " + log());
			}
			return ping(this.port);
		});
	}

	private void waitForExit() {
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("redis-server on port " + this.port + " did not exit");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void signal(String signal) {
		if (this.process == null || !this.process.isAlive()) {
			return;
		}
		try {
			Process kill = new ProcessBuilder("kill", signal, Long.toString(this.process.pid())).start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill " + signal + " failed");
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

	private String log() {
		try {
			return Files.readString(this.directory.resolve("redis.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/**
	 * Whether a Redis server answers {@code PING} on a loopback port.
	 * @param port the port
	 * @return {@code true} when it answered {@code +PONG}
	 */
	static boolean ping(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			byte[] reply = new byte[7];
			int read = socket.getInputStream().readNBytes(reply, 0, 7);
			return read == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
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

	private static boolean runs(Path binary) {
		if (!Files.isExecutable(binary)) {
			return false;
		}
		try {
			Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static Optional<Path> extractEmbeddedBinary() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.contains("aarch64") || arch.contains("arm64");
		List<String> names;
		if (os.contains("linux")) {
			names = arm ? List.of("redis-server-6.2.7-linux-arm64") : List.of("redis-server-6.2.6-v5-linux-amd64");
		}
		else if (os.contains("mac")) {
			names = arm ? List.of("redis-server-6.2.6-v5-darwin-arm64") : List.of("redis-server-6.2.6-v5-darwin-amd64");
		}
		else {
			return Optional.empty();
		}
		for (String name : names) {
			try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(name)) {
				if (in == null) {
					continue;
				}
				Path target = Files.createTempFile("redis-server-", "");
				Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
				target.toFile().setExecutable(true);
				target.toFile().deleteOnExit();
				return Optional.of(target);
			}
			catch (IOException ex) {
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

}
