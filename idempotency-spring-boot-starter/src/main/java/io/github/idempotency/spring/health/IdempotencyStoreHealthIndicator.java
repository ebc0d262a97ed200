package io.github.idempotency.spring.health;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.IdempotencyStore;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the idempotency store: up when a read of a fixed probe key ({@link IdempotencyStore#find}) answers,
 * which takes the same round trip as a replay, so it works for every store (memory, Redis, a database through JPA);
 * down with the failure otherwise. Details: the store's name and the probe's latency, plus what each
 * {@link IdempotencyStoreProbe} adds.
 */
public class IdempotencyStoreHealthIndicator extends AbstractHealthIndicator {

	/**
	 * The key the probe reads: 64 zeros, which no SHA-256 of a real key is expected to produce, so the read finds
	 * nothing and touches no client's record.
	 */
	static final StorageKey PROBE_KEY = new StorageKey("0".repeat(StorageKey.LENGTH));

	private final IdempotencyStore store;

	private final Clock clock;

	private final List<IdempotencyStoreProbe> probes;

	/**
	 * Creates an indicator of {@code store}.
	 * @param store the store
	 * @param clock the clock whose instant the probe passes to the store
	 * @param probes store-specific checks run after the read succeeded
	 */
	public IdempotencyStoreHealthIndicator(IdempotencyStore store, Clock clock, List<IdempotencyStoreProbe> probes) {
		super("Idempotency store health check failed");
		this.store = Objects.requireNonNull(store, "store");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.probes = List.copyOf(probes);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		builder.withDetail("store", this.store.name());
		long start = System.nanoTime();
		this.store.find(PROBE_KEY, this.clock.instant());
		Duration latency = Duration.ofNanos(System.nanoTime() - start);
		builder.up().withDetail("latency", latency.toMillis() + "ms");
		for (IdempotencyStoreProbe probe : this.probes) {
			probe.probe(this.store, builder);
		}
	}

}
