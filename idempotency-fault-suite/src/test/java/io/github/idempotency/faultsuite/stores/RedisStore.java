package io.github.idempotency.faultsuite.stores;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.idempotency.spring.redis.RedisServerProcess;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code redis-server} child process on a free loopback port, which a scenario may kill or freeze.
 */
public final class RedisStore implements StoreUnderTest {

	private final RedisServerProcess server;

	private RedisStore(RedisServerProcess server) {
		this.server = server;
	}

	/**
	 * Starts a server; skips the calling scenario where no {@code redis-server} runs.
	 * @param arguments extra server configuration
	 * @return the store
	 */
	public static RedisStore start(String... arguments) {
		Path binary = RedisServerProcess.binary().orElse(null);
		Assumptions.assumeTrue(binary != null, "no redis-server binary runs here");
		return new RedisStore(RedisServerProcess.start(binary, arguments));
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
	 * Every key in the server, read with {@code KEYS *} (the server is the scenario's own).
	 * @return the keys
	 */
	public List<String> keys() {
		try (Socket socket = new Socket("127.0.0.1", this.server.port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write("KEYS *\r\n".getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			String header = reader.readLine();
			int count = Integer.parseInt(header.substring(1));
			List<String> keys = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				reader.readLine();
				keys.add(reader.readLine());
			}
			return keys;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.server.close();
	}

}
