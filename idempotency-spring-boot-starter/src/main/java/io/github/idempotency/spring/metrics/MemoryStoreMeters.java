package io.github.idempotency.spring.metrics;

import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Meters of the in-memory store's fill level against its bounds ({@code idempotency.memory.max-records},
 * {@code idempotency.memory.max-bytes}): {@link IdempotencyMetricNames#MEMORY_RECORDS},
 * {@link IdempotencyMetricNames#MEMORY_BYTES} and {@link IdempotencyMetricNames#MEMORY_REFUSED_CLAIMS}. A records or
 * bytes gauge that approaches its bound warns before new keys get 503.
 * <p>
 * The store is looked up when a meter is read, so that binding never creates it early; the meters read 0 until it
 * exists.
 */
public class MemoryStoreMeters implements MeterBinder {

	private final Supplier<@Nullable InMemoryIdempotencyStore> store;

	/**
	 * Creates the meters of the store that {@code store} supplies when they are read.
	 * @param store supplies the store, or {@code null} while there is none
	 */
	public MemoryStoreMeters(Supplier<@Nullable InMemoryIdempotencyStore> store) {
		this.store = Objects.requireNonNull(store, "store");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(IdempotencyMetricNames.MEMORY_RECORDS, this, (meters) -> meters.read(InMemoryIdempotencyStore::size))
			.description("Records the in-memory idempotency store holds")
			.strongReference(true)
			.register(registry);
		Gauge.builder(IdempotencyMetricNames.MEMORY_BYTES, this,
				(meters) -> meters.read(InMemoryIdempotencyStore::bytesHeld))
			.description("Heap the in-memory idempotency store's records hold, estimated")
			.baseUnit("bytes")
			.strongReference(true)
			.register(registry);
		FunctionCounter
			.builder(IdempotencyMetricNames.MEMORY_REFUSED_CLAIMS, this,
					(meters) -> meters.read(InMemoryIdempotencyStore::refusedClaims))
			.description("New keys the in-memory idempotency store refused because it was full")
			.register(registry);
	}

	private double read(ToDoubleFunction<InMemoryIdempotencyStore> value) {
		InMemoryIdempotencyStore memory = this.store.get();
		return (memory != null) ? value.applyAsDouble(memory) : 0;
	}

}
