package io.github.idempotency.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.execution.ConflictStrategy;
import io.github.idempotency.core.execution.StoreFailureStrategy;
import io.github.idempotency.spring.IdempotencyOrder;
import io.github.idempotency.spring.web.AnonymousBodyHash;
import io.github.idempotency.spring.web.BodyFingerprint;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
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
	 * Longest a lease is renewed while its method runs; past it, renewals stop and the key can be taken over once
	 * the lease runs out, so a method stuck on a socket does not hold its key for ever. Unset renews for as long as
	 * the method runs.
	 */
	private @Nullable Duration maxExecutionTime;

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
	 * Namespace of this application's records, so that applications sharing one Redis or one table never see each
	 * other's records: part of every record's hashed id, and of the default Redis key prefix. Defaults to
	 * spring.application.name; empty for no namespace (the records of earlier releases).
	 */
	private @Nullable String namespace;

	/**
	 * What of a request body a repeated key must match: 'canonical' (a JSON body by its canonical form, members in any
	 * order and any whitespace; other bodies by their bytes), 'bytes' (the exact bytes) or 'none' (the body is not
	 * compared). Method, path and query are always compared.
	 */
	private BodyFingerprint fingerprint = BodyFingerprint.CANONICAL;

	/**
	 * What a request without an authenticated principal to an endpoint keyed by its body hash and scoped by principal
	 * gets: 'reject' (a 400 problem, since anonymous callers would share one record) or 'run-unprotected'.
	 */
	private AnonymousBodyHash anonymousBodyHash = AnonymousBodyHash.REJECT;

	/**
	 * Per-endpoint overrides, by the endpoint's name (the annotation's name attribute).
	 */
	private Map<String, EndpointProperties> endpoints = new LinkedHashMap<>();

	@NestedConfigurationProperty
	private final RedisStoreProperties redis = new RedisStoreProperties();

	@NestedConfigurationProperty
	private final JpaStoreProperties jpa = new JpaStoreProperties();

	@NestedConfigurationProperty
	private final MetricsProperties metrics = new MetricsProperties();

	@NestedConfigurationProperty
	private final MemoryStoreProperties memory = new MemoryStoreProperties();

	public @Nullable String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(@Nullable String namespace) {
		this.namespace = namespace;
	}

	/**
	 * The namespace in force: {@code idempotency.namespace} when set (even empty), else the application's name.
	 * @param applicationName {@code spring.application.name}, or {@code null}
	 * @return the namespace, empty for none
	 */
	public String namespaceFor(@Nullable String applicationName) {
		if (this.namespace != null) {
			return this.namespace.strip();
		}
		return (applicationName != null) ? applicationName.strip() : "";
	}

	public BodyFingerprint getFingerprint() {
		return this.fingerprint;
	}

	public void setFingerprint(BodyFingerprint fingerprint) {
		this.fingerprint = fingerprint;
	}

	public AnonymousBodyHash getAnonymousBodyHash() {
		return this.anonymousBodyHash;
	}

	public void setAnonymousBodyHash(AnonymousBodyHash anonymousBodyHash) {
		this.anonymousBodyHash = anonymousBodyHash;
	}

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

	public @Nullable Duration getMaxExecutionTime() {
		return this.maxExecutionTime;
	}

	public void setMaxExecutionTime(@Nullable Duration maxExecutionTime) {
		this.maxExecutionTime = maxExecutionTime;
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

	public Map<String, EndpointProperties> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(Map<String, EndpointProperties> endpoints) {
		this.endpoints = endpoints;
	}

	public RedisStoreProperties getRedis() {
		return this.redis;
	}

	public JpaStoreProperties getJpa() {
		return this.jpa;
	}

	public MemoryStoreProperties getMemory() {
		return this.memory;
	}

	public MetricsProperties getMetrics() {
		return this.metrics;
	}

}
