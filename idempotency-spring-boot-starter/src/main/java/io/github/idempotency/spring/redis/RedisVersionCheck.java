package io.github.idempotency.spring.redis;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Refuses a Redis older than 5 at start-up. The store's scripts read the server's clock ({@code TIME}) and then write;
 * Redis 5 replicates scripts by their effects, which makes that valid; older servers reject the write (or, with
 * script replication, would replay a different time on replicas). Reads {@code redis_version} from
 * {@code INFO server}, on Redis Cluster from every node.
 */
public final class RedisVersionCheck {

	/** The oldest major version the store's scripts run on. */
	public static final int MINIMUM_MAJOR_VERSION = 5;

	private static final String VERSION_FIELD = "redis_version";

	private static final Log logger = LogFactory.getLog(RedisVersionCheck.class);

	private RedisVersionCheck() {
	}

	/**
	 * Reads the version of every node and refuses an old one.
	 * @param connectionFactory the connection factory the store uses
	 * @throws IllegalStateException when a node runs Redis older than {@value #MINIMUM_MAJOR_VERSION}
	 */
	public static void verify(RedisConnectionFactory connectionFactory) {
		Map<String, String> versions;
		try (RedisConnection connection = connectionFactory.getConnection()) {
			versions = versions(connection.serverCommands().info("server"));
		}
		catch (RuntimeException ex) {
			// the eviction check, or the first request, reports an unreachable server
			logger.debug("The Redis version could not be read", ex);
			return;
		}
		check(versions);
	}

	/**
	 * The {@code redis_version} of each node in an {@code INFO server} answer, keyed by node ({@code ""} for a
	 * single server; a cluster connection prefixes each node's fields with {@code host:port.}).
	 * @param info the answer, or {@code null}
	 * @return the versions; empty when the server does not tell
	 */
	static Map<String, String> versions(@Nullable Properties info) {
		Map<String, String> versions = new TreeMap<>();
		if (info == null) {
			return versions;
		}
		for (String name : info.stringPropertyNames()) {
			if (name.equals(VERSION_FIELD)) {
				versions.put("", info.getProperty(name).trim());
			}
			else if (name.endsWith("." + VERSION_FIELD)) {
				versions.put(name.substring(0, name.length() - VERSION_FIELD.length() - 1),
						info.getProperty(name).trim());
			}
		}
		return versions;
	}

	/**
	 * Refuses the versions older than {@value #MINIMUM_MAJOR_VERSION}; a version that cannot be parsed (a
	 * compatible server that reports something else) is logged and accepted.
	 * @param versions the versions by node
	 * @throws IllegalStateException naming the first node that is too old
	 */
	static void check(Map<String, String> versions) {
		versions.forEach((node, version) -> {
			int major = majorVersion(version);
			if (major < 0) {
				logger.warn("Redis" + (node.isEmpty() ? "" : " node " + node) + " reports version '" + version
						+ "', which is not a version number; the idempotency store needs Redis "
						+ MINIMUM_MAJOR_VERSION + " or later");
			}
			else if (major < MINIMUM_MAJOR_VERSION) {
				throw new IllegalStateException("Redis" + (node.isEmpty() ? "" : " node " + node) + " runs version "
						+ version + ", but the idempotency store needs Redis " + MINIMUM_MAJOR_VERSION
						+ " or later: its scripts read the server's time and then write, which older versions refuse."
						+ " Upgrade Redis, or use another store (idempotency.store=jpa).");
			}
		});
	}

	/**
	 * The major version of a {@code major.minor.patch} version.
	 * @param version the version text
	 * @return the major version, or {@code -1} when the text does not start with digits and a dot
	 */
	static int majorVersion(String version) {
		int dot = version.indexOf('.');
		if (dot <= 0 || dot > 4) {
			return -1;
		}
		int major = 0;
		for (int i = 0; i < dot; i++) {
			char c = version.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			major = major * 10 + (c - '0');
		}
		return major;
	}

}
