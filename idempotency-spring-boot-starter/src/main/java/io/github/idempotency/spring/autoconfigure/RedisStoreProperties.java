package io.github.idempotency.spring.autoconfigure;

import java.time.Duration;

import io.github.idempotency.spring.redis.EvictionPolicyCheck;

/**
 * Redis store settings.
 */
public class RedisStoreProperties {

	/**
	 * Prefix of every key the store writes.
	 */
	private String keyPrefix = "idempotency:";

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

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
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
