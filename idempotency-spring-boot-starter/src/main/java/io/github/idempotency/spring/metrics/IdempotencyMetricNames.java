package io.github.idempotency.spring.metrics;

/**
 * Names and tag keys of every meter the library publishes. Prometheus sees them with dots turned into underscores
 * and a suffix per type: {@code idempotency_requests_total}, {@code idempotency_store_operations_seconds_bucket},
 * {@code idempotency_executions_active}, {@code idempotency_executions_oldest_age_seconds},
 * {@code idempotency_fenced_writes_total}, {@code idempotency_write_retries_total},
 * {@code idempotency_write_failures_total}, {@code idempotency_lease_renewal_lag_seconds_max},
 * {@code idempotency_response_size_bytes_count},
 * {@code idempotency_memory_records}, {@code idempotency_memory_bytes},
 * {@code idempotency_memory_refused_claims_total}, {@code idempotency_operator_deletions_total}.
 */
public final class IdempotencyMetricNames {

	/** Counter of protected requests, tagged {@link #TAG_ENDPOINT} and {@link #TAG_OUTCOME}. */
	public static final String REQUESTS = "idempotency.requests";

	/**
	 * Timer of store calls, tagged {@link #TAG_STORE}, {@link #TAG_OPERATION} and {@link #TAG_RESULT}, published
	 * with a percentile histogram.
	 */
	public static final String STORE_OPERATIONS = "idempotency.store.operations";

	/** Gauge of the executions holding a key in this instance right now. */
	public static final String EXECUTIONS_ACTIVE = "idempotency.executions.active";

	/** Gauge of how long the oldest execution still running in this instance has held its key, in seconds. */
	public static final String EXECUTIONS_OLDEST_AGE = "idempotency.executions.oldest.age";

	/**
	 * Counter of writes refused because the execution no longer owned its record (a lease that ran out), tagged
	 * {@link #TAG_ENDPOINT} and {@link #TAG_OPERATION} ({@code complete}, {@code release} or {@code renew}).
	 */
	public static final String FENCED_WRITES = "idempotency.fenced.writes";

	/**
	 * Counter of final writes (a completion or a release) tried again after a store error, while the lease lasted,
	 * tagged {@link #TAG_ENDPOINT} and {@link #TAG_OPERATION} ({@code complete} or {@code release}).
	 */
	public static final String WRITE_RETRIES = "idempotency.write.retries";

	/**
	 * Counter of final writes (a completion or a release) that failed on every attempt while the lease lasted: the
	 * record stays ongoing until its lease runs out. Tagged {@link #TAG_ENDPOINT} and {@link #TAG_OPERATION};
	 * {@code renew} counts running executions reported lost because the executor's scheduler was shut down.
	 */
	public static final String WRITE_FAILURES = "idempotency.write.failures";

	/**
	 * Timer of lease renewals, from when a renewal was due until the store confirmed it, tagged
	 * {@link #TAG_ENDPOINT}: a lag nearing a third of the lease means renewals are starved.
	 */
	public static final String LEASE_RENEWAL_LAG = "idempotency.lease.renewal.lag";

	/** Distribution summary of stored response bodies, in bytes, tagged {@link #TAG_ENDPOINT}. */
	public static final String RESPONSE_SIZE = "idempotency.response.size";

	/** Gauge of the records the in-memory store holds (published when the store is the in-memory one). */
	public static final String MEMORY_RECORDS = "idempotency.memory.records";

	/** Gauge of the heap the in-memory store's records hold, estimated, in bytes. */
	public static final String MEMORY_BYTES = "idempotency.memory.bytes";

	/** Counter of new keys the in-memory store refused because it was full (each answered 503). */
	public static final String MEMORY_REFUSED_CLAIMS = "idempotency.memory.refused.claims";

	/**
	 * Counter of record deletes asked for by operators through the {@code idempotency} actuator endpoint, tagged
	 * {@link #TAG_ENDPOINT} and {@link #TAG_OUTCOME} ({@code deleted}, {@code forced}, {@code changed},
	 * {@code absent}, {@code unreadable}).
	 */
	public static final String OPERATOR_DELETIONS = "idempotency.operator.deletions";

	/** Tag: the endpoint's name (the annotation's name or the route template). */
	public static final String TAG_ENDPOINT = "endpoint";

	/** Tag: how a request ended, one of the tag values of {@code RequestOutcome}. */
	public static final String TAG_OUTCOME = "outcome";

	/** Tag: the store's name ({@code memory}, {@code redis}, {@code jpa}). */
	public static final String TAG_STORE = "store";

	/** Tag: the store operation ({@code claim}, {@code complete}, {@code release}, {@code renew}, {@code find}). */
	public static final String TAG_OPERATION = "operation";

	/** Tag: how a store operation ended ({@code success}, {@code fenced}, {@code error}). */
	public static final String TAG_RESULT = "result";

	/**
	 * The endpoint tag value that replaces every endpoint name past {@link #MAX_ENDPOINTS}, so that a
	 * misconfigured endpoint name (one built from request data) cannot grow the number of series without bound.
	 */
	public static final String OTHER_ENDPOINT = "other";

	/** Most distinct endpoint tag values one listener publishes before it folds the rest into {@code other}. */
	public static final int MAX_ENDPOINTS = 200;

	private IdempotencyMetricNames() {
	}

}
