package io.github.idempotency.spring.redis;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Checks that Redis will not evict idempotency records: a record evicted under memory pressure lets a duplicate
 * run again, so {@code maxmemory-policy} must be {@code noeviction}. Reads the policy from {@code INFO memory}
 * (plain commands only: managed Redis services commonly reject {@code CONFIG GET}); on Redis Cluster, from every
 * node.
 * <p>
 * In strict mode a risky or unreadable policy fails with {@link IllegalStateException}; otherwise it is logged as a
 * warning, for managed services that hide the policy from {@code INFO}.
 */
public final class RedisEvictionPolicyVerifier {

	/** The only policy under which Redis never evicts a key. */
	public static final String NO_EVICTION = "noeviction";

	/** How {@code INFO memory} names the {@code maxmemory-policy} setting. */
	private static final String POLICY_FIELD = "maxmemory_policy";

	private static final String PROPERTY = "idempotency.redis.eviction-policy-check";

	private static final Log logger = LogFactory.getLog(RedisEvictionPolicyVerifier.class);

	private final boolean strict;

	/**
	 * A verifier.
	 * @param strict whether a risky policy fails instead of logging a warning
	 */
	public RedisEvictionPolicyVerifier(boolean strict) {
		this.strict = strict;
	}

	/**
	 * Reads the eviction policy of every reachable node and fails or warns unless it is {@code noeviction}.
	 * @param connectionFactory the connection factory the store uses
	 * @throws IllegalStateException in strict mode, when a node may evict keys or the policy cannot be read
	 */
	public void verify(RedisConnectionFactory connectionFactory) {
		Map<String, String> policies;
		try {
			policies = policies(Objects.requireNonNull(connectionFactory, "connectionFactory"));
		}
		catch (RuntimeException ex) {
			report("The Redis eviction policy could not be read (INFO memory failed: " + ex.getMessage() + ")", ex);
			return;
		}
		if (policies.isEmpty()) {
			report("The Redis eviction policy could not be read (INFO memory has no " + POLICY_FIELD + " field)", null);
			return;
		}
		policies.forEach((node, policy) -> {
			if (!NO_EVICTION.equals(policy)) {
				report("Redis" + (node.isEmpty() ? "" : " node " + node) + " has maxmemory-policy '" + policy
						+ "': it may evict idempotency records under memory pressure, and an evicted record lets a "
						+ "duplicate request run again. Set maxmemory-policy to noeviction", null);
			}
		});
	}

	/**
	 * The {@code maxmemory-policy} of each node, keyed by node ({@code ""} for a single server): the one read of the
	 * policy, shared by the start-up check and the health probe.
	 * @param connectionFactory the connection factory
	 * @return the policies; empty when the server hides them
	 */
	public static Map<String, String> policies(RedisConnectionFactory connectionFactory) {
		Map<String, String> policies = new TreeMap<>();
		try (RedisConnection connection = connectionFactory.getConnection()) {
			Properties info = connection.serverCommands().info("memory");
			if (info == null) {
				return policies;
			}
			// a cluster connection prefixes each node's fields with "host:port."
			for (String name : info.stringPropertyNames()) {
				if (name.equals(POLICY_FIELD)) {
					policies.put("", info.getProperty(name).trim());
				}
				else if (name.endsWith("." + POLICY_FIELD)) {
					policies.put(name.substring(0, name.length() - POLICY_FIELD.length() - 1),
							info.getProperty(name).trim());
				}
			}
		}
		return policies;
	}

	private void report(String problem, @Nullable Throwable cause) {
		if (this.strict) {
			throw new IllegalStateException(problem + ". To start anyway (for a managed Redis that hides its "
					+ "policy), set " + PROPERTY + "=warn.", cause);
		}
		logger.warn(problem + " (" + PROPERTY + "=warn).");
	}

}
