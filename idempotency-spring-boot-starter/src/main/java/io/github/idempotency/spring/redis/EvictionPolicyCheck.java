package io.github.idempotency.spring.redis;

/**
 * How strictly Redis's eviction policy is checked ({@code idempotency.redis.eviction-policy-check}): by the store
 * at start-up, and by the health indicator at run time.
 */
public enum EvictionPolicyCheck {

	/** Refuse to start unless maxmemory-policy is noeviction. */
	FAIL,

	/** Log a warning unless maxmemory-policy is noeviction. */
	WARN,

	/** Do not check. */
	IGNORE

}