package io.github.idempotency.spring;

import java.time.Duration;
import java.util.Map;

import io.github.idempotency.core.execution.ConflictStrategy;
import io.github.idempotency.core.execution.StoreFailureStrategy;
import org.jspecify.annotations.Nullable;

/**
 * The settings an {@code @Idempotent} method falls back to where its annotation is silent: per endpoint first, then
 * global. The auto-configuration builds them from {@code idempotency.*}.
 *
 * @param ttl how long a finished result is kept
 * @param lease how long a claim holds without renewal
 * @param onConflict what a duplicate does while the first request runs
 * @param waitTimeout how long a waiting duplicate waits
 * @param storeFailure what a request does when the store cannot be reached
 * @param endpoints overrides by endpoint name
 * @param maxExecutionTime how long a lease is renewed at most, or {@code null} for as long as the method runs
 */
public record IdempotentMethodDefaults(Duration ttl, Duration lease, ConflictStrategy onConflict, Duration waitTimeout,
		StoreFailureStrategy storeFailure, Map<String, EndpointOverrides> endpoints,
		@Nullable Duration maxExecutionTime) {

	/**
	 * Defaults that renew leases for as long as the method runs.
	 * @param ttl how long a finished result is kept
	 * @param lease how long a claim holds without renewal
	 * @param onConflict what a duplicate does while the first request runs
	 * @param waitTimeout how long a waiting duplicate waits
	 * @param storeFailure what a request does when the store cannot be reached
	 * @param endpoints overrides by endpoint name
	 */
	public IdempotentMethodDefaults(Duration ttl, Duration lease, ConflictStrategy onConflict, Duration waitTimeout,
			StoreFailureStrategy storeFailure, Map<String, EndpointOverrides> endpoints) {
		this(ttl, lease, onConflict, waitTimeout, storeFailure, endpoints, null);
	}

	/**
	 * The overrides of one endpoint; {@code null} values fall back to the global ones.
	 *
	 * @param ttl how long a finished result is kept
	 * @param lease how long a claim holds without renewal
	 * @param onConflict what a duplicate does while the first request runs
	 * @param waitTimeout how long a waiting duplicate waits
	 * @param maxExecutionTime how long a lease is renewed at most
	 */
	public record EndpointOverrides(@Nullable Duration ttl, @Nullable Duration lease,
			@Nullable ConflictStrategy onConflict, @Nullable Duration waitTimeout,
			@Nullable Duration maxExecutionTime) {

		static final EndpointOverrides NONE = new EndpointOverrides(null, null, null, null, null);

		/**
		 * Overrides that leave the maximum execution time to the global setting.
		 * @param ttl how long a finished result is kept
		 * @param lease how long a claim holds without renewal
		 * @param onConflict what a duplicate does while the first request runs
		 * @param waitTimeout how long a waiting duplicate waits
		 */
		public EndpointOverrides(@Nullable Duration ttl, @Nullable Duration lease,
				@Nullable ConflictStrategy onConflict, @Nullable Duration waitTimeout) {
			this(ttl, lease, onConflict, waitTimeout, null);
		}

	}

	EndpointOverrides endpoint(String name) {
		return this.endpoints.getOrDefault(name, EndpointOverrides.NONE);
	}

}
