package io.github.idempotency.spring.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.execution.StoreOperation;
import io.github.idempotency.core.execution.StoreOperationResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Publishes what the executor reports as Micrometer meters named by {@link IdempotencyMetricNames}.
 * <p>
 * Meters are registered once per endpoint and per store, on first sight, for every tag combination that can occur
 * (so a rate of zero shows as zero rather than as a missing series), and kept in arrays indexed by enum ordinal: the
 * request path does one map lookup and an increment, never a meter lookup by builder. At most
 * {@link IdempotencyMetricNames#MAX_ENDPOINTS} endpoint names are published; later ones count as
 * {@link IdempotencyMetricNames#OTHER_ENDPOINT}.
 */
public class MicrometerIdempotencyListener implements IdempotencyListener {

	// histogram range: a local Redis round trip takes ~130 us, anything past 5 s is a timeout in all but name
	private static final Duration MIN_EXPECTED_STORE_LATENCY = Duration.ofNanos(100_000);

	private static final Duration MAX_EXPECTED_STORE_LATENCY = Duration.ofSeconds(5);

	private static final StoreOperation[] FENCEABLE = { StoreOperation.COMPLETE, StoreOperation.RELEASE,
			StoreOperation.RENEW };

	private final MeterRegistry registry;

	private final Map<String, EndpointMeters> endpoints = new ConcurrentHashMap<>();

	private final Map<String, StoreMeters> stores = new ConcurrentHashMap<>();

	/**
	 * Creates a listener that registers its meters in {@code registry}.
	 * @param registry the registry
	 */
	public MicrometerIdempotencyListener(MeterRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public void onOutcome(String endpoint, RequestOutcome outcome) {
		endpoint(endpoint).requests[outcome.ordinal()].increment();
	}

	@Override
	public void onStoreOperation(String store, StoreOperation operation, StoreOperationResult result,
			Duration elapsed) {
		StoreMeters meters = this.stores.get(store);
		if (meters == null) {
			// a constructor reference of an inner class captures 'this': build it only when the store is new
			meters = this.stores.computeIfAbsent(store, StoreMeters::new);
		}
		meters.timer(operation, result).record(elapsed);
	}

	@Override
	public void onFencedWrite(String endpoint, StoreOperation operation) {
		EndpointMeters meters = endpoint(endpoint);
		Counter counter = meters.fenced.get(operation);
		if (counter == null) {
			counter = fencedCounter(meters.name, operation);
		}
		counter.increment();
	}

	@Override
	public void onResponseStored(String endpoint, int bytes) {
		endpoint(endpoint).responseSize.record(bytes);
	}

	@Override
	public void onWriteRetried(String endpoint, StoreOperation operation) {
		EndpointMeters meters = endpoint(endpoint);
		writeCounter(meters.name, IdempotencyMetricNames.WRITE_RETRIES, operation).increment();
	}

	@Override
	public void onWriteFailed(String endpoint, StoreOperation operation) {
		EndpointMeters meters = endpoint(endpoint);
		writeCounter(meters.name, IdempotencyMetricNames.WRITE_FAILURES, operation).increment();
	}

	@Override
	public void onLeaseRenewed(String endpoint, Duration lag) {
		endpoint(endpoint).renewalLag.record(lag);
	}

	private Counter writeCounter(String endpoint, String name, StoreOperation operation) {
		// rare events: Micrometer's own lookup of an existing meter is cheap enough
		return Counter.builder(name)
			.description(IdempotencyMetricNames.WRITE_RETRIES.equals(name)
					? "Final writes tried again after a store error while the lease lasted"
					: "Final writes that failed on every attempt while the lease lasted")
			.tag(IdempotencyMetricNames.TAG_ENDPOINT, endpoint)
			.tag(IdempotencyMetricNames.TAG_OPERATION, operation.tagValue())
			.register(this.registry);
	}

	private EndpointMeters endpoint(String endpoint) {
		EndpointMeters meters = this.endpoints.get(endpoint);
		if (meters == null) {
			// past the cap, the new name is neither published nor cached: both must stay bounded
			String name = (this.endpoints.size() < IdempotencyMetricNames.MAX_ENDPOINTS) ? endpoint
					: IdempotencyMetricNames.OTHER_ENDPOINT;
			meters = this.endpoints.computeIfAbsent(name, EndpointMeters::new);
		}
		return meters;
	}

	private Counter fencedCounter(String endpoint, StoreOperation operation) {
		return Counter.builder(IdempotencyMetricNames.FENCED_WRITES)
			.description("Writes refused because the execution no longer owned its record")
			.tag(IdempotencyMetricNames.TAG_ENDPOINT, endpoint)
			.tag(IdempotencyMetricNames.TAG_OPERATION, operation.tagValue())
			.register(this.registry);
	}

	private final class EndpointMeters {

		private final String name;

		private final Counter[] requests;

		private final Map<StoreOperation, Counter> fenced = new EnumMap<>(StoreOperation.class);

		private final DistributionSummary responseSize;

		private final Timer renewalLag;

		private EndpointMeters(String name) {
			this.name = name;
			RequestOutcome[] outcomes = RequestOutcome.values();
			this.requests = new Counter[outcomes.length];
			for (RequestOutcome outcome : outcomes) {
				this.requests[outcome.ordinal()] = Counter.builder(IdempotencyMetricNames.REQUESTS)
					.description("Requests to idempotent endpoints, by how they ended")
					.tag(IdempotencyMetricNames.TAG_ENDPOINT, name)
					.tag(IdempotencyMetricNames.TAG_OUTCOME, outcome.tagValue())
					.register(MicrometerIdempotencyListener.this.registry);
			}
			for (StoreOperation operation : FENCEABLE) {
				this.fenced.put(operation, fencedCounter(name, operation));
			}
			this.responseSize = DistributionSummary.builder(IdempotencyMetricNames.RESPONSE_SIZE)
				.description("Size of stored response bodies")
				.baseUnit("bytes")
				.tag(IdempotencyMetricNames.TAG_ENDPOINT, name)
				.register(MicrometerIdempotencyListener.this.registry);
			for (StoreOperation operation : new StoreOperation[] { StoreOperation.COMPLETE, StoreOperation.RELEASE }) {
				writeCounter(name, IdempotencyMetricNames.WRITE_RETRIES, operation);
				writeCounter(name, IdempotencyMetricNames.WRITE_FAILURES, operation);
			}
			this.renewalLag = Timer.builder(IdempotencyMetricNames.LEASE_RENEWAL_LAG)
				.description("Time from when a lease renewal was due until the store confirmed it")
				.tag(IdempotencyMetricNames.TAG_ENDPOINT, name)
				.register(MicrometerIdempotencyListener.this.registry);
		}

	}

	private final class StoreMeters {

		private final String store;

		private final Timer[][] timers = new Timer[StoreOperation.values().length][StoreOperationResult.values().length];

		private StoreMeters(String store) {
			this.store = store;
			for (StoreOperation operation : StoreOperation.values()) {
				this.timers[operation.ordinal()][StoreOperationResult.SUCCESS.ordinal()] = register(operation,
						StoreOperationResult.SUCCESS);
				this.timers[operation.ordinal()][StoreOperationResult.ERROR.ordinal()] = register(operation,
						StoreOperationResult.ERROR);
			}
			for (StoreOperation operation : FENCEABLE) {
				this.timers[operation.ordinal()][StoreOperationResult.FENCED.ordinal()] = register(operation,
						StoreOperationResult.FENCED);
			}
		}

		private Timer timer(StoreOperation operation, StoreOperationResult result) {
			Timer timer = this.timers[operation.ordinal()][result.ordinal()];
			// only a combination the executor never reports is missing; registering is idempotent
			return (timer != null) ? timer : register(operation, result);
		}

		private Timer register(StoreOperation operation, StoreOperationResult result) {
			return Timer.builder(IdempotencyMetricNames.STORE_OPERATIONS)
				.description("Calls to the idempotency store")
				.tag(IdempotencyMetricNames.TAG_STORE, this.store)
				.tag(IdempotencyMetricNames.TAG_OPERATION, operation.tagValue())
				.tag(IdempotencyMetricNames.TAG_RESULT, result.tagValue())
				.publishPercentileHistogram()
				.minimumExpectedValue(MIN_EXPECTED_STORE_LATENCY)
				.maximumExpectedValue(MAX_EXPECTED_STORE_LATENCY)
				.register(MicrometerIdempotencyListener.this.registry);
		}

	}

}
