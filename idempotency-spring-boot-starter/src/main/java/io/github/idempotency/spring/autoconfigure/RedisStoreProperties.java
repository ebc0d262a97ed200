package io.github.idempotency.spring.autoconfigure;

import java.time.Duration;

import io.github.idempotency.spring.redis.EvictionPolicyCheck;
import org.jspecify.annotations.Nullable;

/**
 * Redis store settings.
 */
public class RedisStoreProperties {

	/** The start of every default prefix. */
	public static final String DEFAULT_KEY_PREFIX = "idempotency:";

	/**
	 * Prefix of every key the store writes. Defaults to 'idempotency:' followed by the namespace and a colon
	 * ('idempotency:billing:'), or 'idempotency:' without a namespace.
	 */
	private @Nullable String keyPrefix;

	/**
	 * What to do when Redis may evict keys (maxmemory-policy other than noeviction): 'fail' refuses to start,
	 * 'warn' logs a warning (for managed Redis that hides the policy), 'ignore' skips the check.
	 */
	private EvictionPolicyCheck evictionPolicyCheck = EvictionPolicyCheck.FAIL;

	/**
	 * Replicas that must acknowledge a claim (WAIT) before the method runs; 0 to not wait. A claim that fewer
	 * replicas acknowledge in time answers 503.
	 */
	private int minReplicas = 0;

	/**
	 * How long to wait for min-replicas to acknowledge a claim.
	 */
	private Duration replicaTimeout = Duration.ofMillis(100);

	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * The prefix the store uses: the configured one, else one derived from the namespace.
	 * @param namespace the application's namespace, empty for none
	 * @return the prefix
	 */
	public String keyPrefixFor(String namespace) {
		if (this.keyPrefix != null) {
			return this.keyPrefix;
		}
		return namespace.isEmpty() ? DEFAULT_KEY_PREFIX : DEFAULT_KEY_PREFIX + namespace + ":";
	}

	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public EvictionPolicyCheck getEvictionPolicyCheck() {
		return this.evictionPolicyCheck;
	}

	public void setEvictionPolicyCheck(EvictionPolicyCheck evictionPolicyCheck) {
		this.evictionPolicyCheck = evictionPolicyCheck;
	}

	public int getMinReplicas() {
		return this.minReplicas;
	}

	public void setMinReplicas(int minReplicas) {
		this.minReplicas = minReplicas;
	}

	public Duration getReplicaTimeout() {
		return this.replicaTimeout;
	}

	public void setReplicaTimeout(Duration replicaTimeout) {
		this.replicaTimeout = replicaTimeout;
	}

}
