package io.github.idempotency.faultsuite.stores;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.idempotency.spring.redis.RedisServerProcess;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code redis-server} child process on a free loopback port: a scenario's own, which it may kill, freeze or
 * reconfigure, or the suite's shared one.
 */
public final class RedisStore implements StoreUnderTest {

	private static RedisStore shared;

	private final RedisServerProcess server;

	private final boolean isShared;

	private RedisStore(RedisServerProcess server, boolean isShared) {
		this.server = server;
		this.isShared = isShared;
	}

	/**
	 * The suite's shared server, emptied ({@code FLUSHALL}: it is the suite's own) for the calling scenario:
	 * for scenarios that neither stop, freeze nor reconfigure their Redis, so that their apps can be shared too
	 * ({@code ChildApp.shared}). It stops when the suite's JVM exits.
	 * @return the store
	 */
	public static synchronized RedisStore shared() {
		if (shared == null || !shared.server.isRunning()) {
			Path binary = RedisServerProcess.binary().orElse(null);
			Assumptions.assumeTrue(binary != null, "no redis-server binary runs here");
			RedisServerProcess server = RedisServerProcess.start(binary);
			Runtime.getRuntime().addShutdownHook(new Thread(server::close, "fault-suite-redis"));
			shared = new RedisStore(server, true);
		}
		RedisCommands.call(shared.server.port(), "FLUSHALL");
		return shared;
	}

	/**
	 * Starts a server; skips the calling scenario where no {@code redis-server} runs.
	 * @param arguments extra server configuration
	 * @return the store
	 */
	public static RedisStore start(String... arguments) {
		Path binary = RedisServerProcess.binary().orElse(null);
		Assumptions.assumeTrue(binary != null, "no redis-server binary runs here");
		return new RedisStore(RedisServerProcess.start(binary, arguments), false);
	}

	@Override
	public String name() {
		return "redis";
	}

	@Override
	public String profile() {
		return "redis";
	}

	@Override
	public Map<String, String> appProperties() {
		return Map.of("spring.data.redis.url", this.server.url(), "idempotency.redis.key-prefix", "fault-suite:");
	}

	public RedisServerProcess server() {
		return this.server;
	}

	/**
	 * Every key in the server with its value, read with {@code KEYS *} and {@code GET} (the server is the
	 * scenario's own), values decoded as ISO-8859-1 so that every byte survives.
	 * @return the keys and values
	 */
	public Map<String, String> contents() {
		try (Socket socket = new Socket("127.0.0.1", this.server.port())) {
			socket.setSoTimeout(10_000);
			DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
			send(socket, "KEYS", "*");
			List<String> keys = new ArrayList<>();
			int count = Integer.parseInt(line(in).substring(1));
			for (int i = 0; i < count; i++) {
				keys.add(bulk(in));
			}
			Map<String, String> contents = new LinkedHashMap<>();
			for (String key : keys) {
				send(socket, "GET", key);
				contents.put(key, bulk(in));
			}
			return contents;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Every key in the server.
	 * @return the keys
	 */
	public List<String> keys() {
		return new ArrayList<>(contents().keySet());
	}

	private static void send(Socket socket, String... command) throws IOException {
		StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
		for (String part : command) {
			request.append('$').append(part.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(part)
				.append("\r\n");
		}
		socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	private static String bulk(DataInputStream in) throws IOException {
		String header = line(in);
		int length = Integer.parseInt(header.substring(1));
		if (length < 0) {
			return "";
		}
		byte[] value = new byte[length];
		in.readFully(value);
		line(in);
		return new String(value, StandardCharsets.ISO_8859_1);
	}

	private static String line(DataInputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		if (line.length() > 0 && line.charAt(0) == '-') {
			throw new IOException("Redis answered " + line);
		}
		return line.toString();
	}

	/** Stops a scenario's own server; the shared one outlives the scenario. */
	@Override
	public void close() {
		if (!this.isShared) {
			this.server.close();
		}
	}

}
