package io.github.idempotency.spring.health;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.redis.EvictionPolicyCheck;
import io.github.idempotency.spring.redis.RedisEvictionPolicyVerifier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Reads Redis's {@code maxmemory_policy} from {@code INFO memory} (a plain command that managed Redis allows, unlike
 * {@code CONFIG GET}) and reports it. Any policy other than {@code noeviction} lets Redis delete idempotency records
 * under memory pressure, which silently turns a replay into a second execution: with
 * {@link EvictionPolicyCheck#FAIL} the health is down, with {@link EvictionPolicyCheck#WARN} it stays up with a
 * warning detail. Applies only when the store's {@link IdempotencyStore#name() name} is {@value #REDIS_STORE_NAME}.
 * On Redis Cluster every node's policy is read (INFO fields prefixed by the node's address) and reported.
 * The store checks the policy at start-up; this probe catches a policy changed at run time.
 */
public class RedisEvictionPolicyProbe implements IdempotencyStoreProbe {

	/** The name of the store this probe checks; other stores are left alone. */
	public static final String REDIS_STORE_NAME = "redis";

	/** The only eviction policy under which Redis never deletes a record before its TTL. */
	public static final String SAFE_POLICY = RedisEvictionPolicyVerifier.NO_EVICTION;

	private final RedisConnectionFactory connectionFactory;

	private final EvictionPolicyCheck check;

	/**
	 * Creates a probe that reads the policy through {@code connectionFactory}.
	 * @param connectionFactory the factory the Redis store uses
	 * @param check what an unsafe policy does to the health ({@link EvictionPolicyCheck#IGNORE} reports the policy
	 * only)
	 */
	public RedisEvictionPolicyProbe(RedisConnectionFactory connectionFactory, EvictionPolicyCheck check) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
		this.check = Objects.requireNonNull(check, "check");
	}

	@Override
	public void probe(IdempotencyStore store, Health.Builder health) {
		if (!REDIS_STORE_NAME.equals(store.name())) {
			// the application has Redis, but keeps its records elsewhere
			return;
		}
		Map<String, String> policies = RedisEvictionPolicyVerifier.policies(this.connectionFactory);
		if (policies.isEmpty()) {
			// managed Redis services may hide the policy: nothing to judge
			health.withDetail("maxmemoryPolicy", "unknown");
			return;
		}
		// a single server's policy as a value; a cluster's as one entry per node ("host:port")
		String single = policies.get("");
		health.withDetail("maxmemoryPolicy", (single != null && policies.size() == 1) ? single : policies);
		Map<String, String> unsafe = new TreeMap<>(policies);
		unsafe.values().removeIf(SAFE_POLICY::equals);
		if (unsafe.isEmpty() || this.check == EvictionPolicyCheck.IGNORE) {
			return;
		}
		String problem = "maxmemory-policy is " + describe(unsafe) + ": Redis may evict idempotency records before "
				+ "their TTL, and a retry would then run again; set it to '" + SAFE_POLICY + "'";
		if (this.check == EvictionPolicyCheck.FAIL) {
			health.down().withDetail("error", problem);
		}
		else {
			health.withDetail("warning", problem);
		}
	}

	private static String describe(Map<String, String> policies) {
		StringBuilder text = new StringBuilder();
		policies.forEach((node, policy) -> {
			text.append(text.isEmpty() ? "" : ", ").append('\'').append(policy).append('\'');
			if (!node.isEmpty()) {
				text.append(" on ").append(node);
			}
		});
		return text.toString();
	}

}
