package io.github.idempotency.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.execution.ConflictStrategy;
import io.github.idempotency.core.execution.StoreFailureStrategy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of idempotent request handling ({@code idempotency.*}).
 */
@ConfigurationProperties("idempotency")
public class IdempotencyProperties {

	/**
	 * Whether methods annotated with @Idempotent are protected.
	 */
	private boolean enabled = true;

	/**
	 * Store that keeps idempotency records. 'auto' picks Redis when a RedisConnectionFactory exists, else JPA when
	 * an EntityManagerFactory exists, else memory.
	 */
	private StoreType store = StoreType.AUTO;

	/**
	 * Name of the request header that carries the idempotency key.
	 */
	private String headerName = "Idempotency-Key";

	/**
	 * How long a finished result is kept and replayed to retries.
	 */
	private Duration ttl = Duration.ofHours(24);

	/**
	 * How long a claim holds without renewal. A running method renews it every third of this; a crashed one is
	 * taken over once it runs out.
	 */
	private Duration lease = Duration.ofSeconds(30);

	/**
	 * Longest accepted idempotency key, in characters (at most 255).
	 */
	private int keyMaxLength = 255;

	/**
	 * What a duplicate does while the first request with its key still runs: 'reject' answers 409 with
	 * Retry-After, 'wait' waits up to wait-timeout for the first result and replays it.
	 */
	private ConflictStrategy onConflict = ConflictStrategy.REJECT;

	/**
	 * How long a duplicate waits for the first result when on-conflict is 'wait'; past it, 409.
	 */
	private Duration waitTimeout = Duration.ofSeconds(10);

	/**
	 * What a request does when the store cannot be reached: 'fail-closed' answers 503 with Retry-After,
	 * 'fail-open' runs the method unprotected.
	 */
	private StoreFailureStrategy storeFailure = StoreFailureStrategy.FAIL_CLOSED;

	/**
	 * Response headers replayed in addition to Content-Type, Location, Content-Location, ETag, Last-Modified and
	 * Link.
	 */
	private List<String> replayHeaders = new ArrayList<>();

	/**
	 * Largest response body kept for replay. A larger response is not kept: its status and headers are, and a
	 * replay answers a problem of type response-not-retained.
	 */
	private DataSize maxResponseSize = DataSize.ofMegabytes(1);

	/**
	 * Client error statuses (4xx) that release the key instead of being stored and replayed, because a retry may
	 * succeed.
	 */
	private List<Integer> retryableClientErrors = new ArrayList<>(List.of(401, 403, 408, 409, 425, 429));

	/**
	 * Order of the idempotency interceptor among other advisors. The default runs it outside @Transactional.
	 */
	private int interceptorOrder = IdempotencyOrder.DEFAULT;

	/**
	 * Per-endpoint overrides, by the endpoint's name (the annotation's name attribute).
	 */
	private Map<String, Endpoint> endpoints = new LinkedHashMap<>();

	private final Redis redis = new Redis();

	private final Jpa jpa = new Jpa();

	private final Metrics metrics = new Metrics();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public StoreType getStore() {
		return this.store;
	}

	public void setStore(StoreType store) {
		this.store = store;
	}

	public String getHeaderName() {
		return this.headerName;
	}

	public void setHeaderName(String headerName) {
		this.headerName = headerName;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Duration getLease() {
		return this.lease;
	}

	public void setLease(Duration lease) {
		this.lease = lease;
	}

	public int getKeyMaxLength() {
		return this.keyMaxLength;
	}

	public void setKeyMaxLength(int keyMaxLength) {
		this.keyMaxLength = keyMaxLength;
	}

	public ConflictStrategy getOnConflict() {
		return this.onConflict;
	}

	public void setOnConflict(ConflictStrategy onConflict) {
		this.onConflict = onConflict;
	}

	public Duration getWaitTimeout() {
		return this.waitTimeout;
	}

	public void setWaitTimeout(Duration waitTimeout) {
		this.waitTimeout = waitTimeout;
	}

	public StoreFailureStrategy getStoreFailure() {
		return this.storeFailure;
	}

	public void setStoreFailure(StoreFailureStrategy storeFailure) {
		this.storeFailure = storeFailure;
	}

	public List<String> getReplayHeaders() {
		return this.replayHeaders;
	}

	public void setReplayHeaders(List<String> replayHeaders) {
		this.replayHeaders = replayHeaders;
	}

	public DataSize getMaxResponseSize() {
		return this.maxResponseSize;
	}

	public void setMaxResponseSize(DataSize maxResponseSize) {
		this.maxResponseSize = maxResponseSize;
	}

	public List<Integer> getRetryableClientErrors() {
		return this.retryableClientErrors;
	}

	public void setRetryableClientErrors(List<Integer> retryableClientErrors) {
		this.retryableClientErrors = retryableClientErrors;
	}

	public int getInterceptorOrder() {
		return this.interceptorOrder;
	}

	public void setInterceptorOrder(int interceptorOrder) {
		this.interceptorOrder = interceptorOrder;
	}

	public Map<String, Endpoint> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(Map<String, Endpoint> endpoints) {
		this.endpoints = endpoints;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Jpa getJpa() {
		return this.jpa;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * Which store keeps the records.
	 */
	public enum StoreType {

		/** Redis if a RedisConnectionFactory exists, else JPA if an EntityManagerFactory exists, else memory. */
		AUTO,

		/** This JVM's heap: protects one instance only. */
		MEMORY,

		/** Redis, through the application's RedisConnectionFactory. */
		REDIS,

		/** A relational database, through the application's EntityManagerFactory. */
		JPA

	}

	/**
	 * Overrides for one endpoint; unset values fall back to the global ones.
	 */
	public static class Endpoint {

		/**
		 * How long a finished result of this endpoint is kept and replayed.
		 */
		private Duration ttl;

		/**
		 * How long a claim of this endpoint holds without renewal.
		 */
		private Duration lease;

		/**
		 * What a duplicate of this endpoint does while the first request still runs.
		 */
		private ConflictStrategy onConflict;

		/**
		 * How long a duplicate of this endpoint waits when on-conflict is 'wait'.
		 */
		private Duration waitTimeout;

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public ConflictStrategy getOnConflict() {
			return this.onConflict;
		}

		public void setOnConflict(ConflictStrategy onConflict) {
			this.onConflict = onConflict;
		}

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

	}

	/**
	 * Redis store settings.
	 */
	public static class Redis {

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

		/**
		 * How strictly the store checks Redis's eviction policy at start-up.
		 */
		public enum EvictionPolicyCheck {

			/** Refuse to start unless maxmemory-policy is noeviction. */
			FAIL,

			/** Log a warning unless maxmemory-policy is noeviction. */
			WARN,

			/** Do not check. */
			IGNORE

		}

	}

	/**
	 * JPA store settings.
	 */
	public static class Jpa {

		/**
		 * Name of the table that holds the records.
		 */
		private String tableName = "idempotency_record";

		/**
		 * When to create the table from the schema script shipped for the database: 'embedded' (embedded databases
		 * only), 'always' or 'never'.
		 */
		private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

		/**
		 * How often expired records are purged.
		 */
		private Duration purgeInterval = Duration.ofMinutes(5);

		/**
		 * Most rows one purge statement deletes.
		 */
		private int purgeBatchSize = 1000;

		/**
		 * Whether the completion is written in the annotated method's own transaction, so that its database work
		 * and the stored response commit or roll back together.
		 */
		private boolean joinTransaction = false;

		public String getTableName() {
			return this.tableName;
		}

		public void setTableName(String tableName) {
			this.tableName = tableName;
		}

		public SchemaInitialization getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(SchemaInitialization initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public Duration getPurgeInterval() {
			return this.purgeInterval;
		}

		public void setPurgeInterval(Duration purgeInterval) {
			this.purgeInterval = purgeInterval;
		}

		public int getPurgeBatchSize() {
			return this.purgeBatchSize;
		}

		public void setPurgeBatchSize(int purgeBatchSize) {
			this.purgeBatchSize = purgeBatchSize;
		}

		public boolean isJoinTransaction() {
			return this.joinTransaction;
		}

		public void setJoinTransaction(boolean joinTransaction) {
			this.joinTransaction = joinTransaction;
		}

		/**
		 * When the store creates its table.
		 */
		public enum SchemaInitialization {

			/** Only for an embedded database (H2, HSQLDB, Derby). */
			EMBEDDED,

			/** Always (the script creates the table only if it does not exist). */
			ALWAYS,

			/** Never: the table is managed by migrations. */
			NEVER

		}

	}

	/**
	 * Micrometer metrics settings.
	 */
	public static class Metrics {

		/**
		 * Whether idempotency meters (requests by outcome, store operations, active executions, fenced writes,
		 * stored response sizes) are published when Micrometer and a MeterRegistry are present.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
