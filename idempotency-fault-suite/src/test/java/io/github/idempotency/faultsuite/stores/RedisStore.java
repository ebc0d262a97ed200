package io.github.idempotency.faultsuite.stores;

import java.nio.file.Path;
import java.util.ArrayList;
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
		return RedisCommands.contents(this.server.port());
	}

	/**
	 * Every key in the server.
	 * @return the keys
	 */
	public List<String> keys() {
		return new ArrayList<>(contents().keySet());
	}

	/** Stops a scenario's own server; the shared one outlives the scenario. */
	@Override
	public void close() {
		if (!this.isShared) {
			this.server.close();
		}
	}

}
