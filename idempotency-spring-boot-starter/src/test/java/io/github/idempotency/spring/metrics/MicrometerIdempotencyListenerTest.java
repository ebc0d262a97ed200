package io.github.idempotency.spring.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.core.execution.StoreOperation;
import io.github.idempotency.core.execution.StoreOperationResult;
import io.github.idempotency.core.execution.WriteOutcome;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.Utf8StringCodec;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class MicrometerIdempotencyListenerTest {

	private static final ResultCodec<String> CODEC = new Utf8StringCodec();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final IdempotentExecutor executor = IdempotentExecutor.builder(new InMemoryIdempotencyStore())
		.clock(this.clock)
		.listener(new MicrometerIdempotencyListener(this.registry))
		.build();

	private final ExecutionPolicy policy = ExecutionPolicy.defaults("payments");

	@AfterEach
	void closeExecutor() {
		this.executor.close();
	}

	@Test
	void threeSendsOfOneKeyCountOneExecutedAndTwoReplayed() throws Exception {
		for (int i = 0; i < 3; i++) {
			this.executor.execute(key("k1"), RequestFingerprint.of("body"), this.policy, CODEC, () -> "paid");
		}
		assertThat(requests("payments", RequestOutcome.EXECUTED)).isEqualTo(1);
		assertThat(requests("payments", RequestOutcome.REPLAYED)).isEqualTo(2);
		assertThat(storeCount("claim", "success")).isEqualTo(3);
		assertThat(storeCount("complete", "success")).isEqualTo(1);
		assertThat(this.registry.get(IdempotencyMetricNames.RESPONSE_SIZE).tag("endpoint", "payments").summary()
			.totalAmount()).isEqualTo(4);
	}

	@Test
	void mismatchAndConflictAreCounted() throws Exception {
		ClaimOutcome first = this.executor.claim(key("k1"), RequestFingerprint.of("a"), this.policy);
		assertThat(first).isInstanceOf(ClaimOutcome.Acquired.class);
		assertThat(this.executor.claim(key("k1"), RequestFingerprint.of("a"), this.policy))
			.isInstanceOf(ClaimOutcome.InProgress.class);
		assertThat(this.executor.claim(key("k1"), RequestFingerprint.of("b"), this.policy))
			.isInstanceOf(ClaimOutcome.Mismatch.class);
		((ClaimOutcome.Acquired) first).execution().close();
		assertThat(requests("payments", RequestOutcome.CONFLICT)).isEqualTo(1);
		assertThat(requests("payments", RequestOutcome.MISMATCH)).isEqualTo(1);
	}

	@Test
	void failedExecutionCountsReleased() {
		assertThatIllegalStateException().isThrownBy(() -> this.executor.execute(key("k1"),
				RequestFingerprint.of("body"), this.policy, CODEC, () -> {
					throw new IllegalStateException("psp unavailable");
				}));
		assertThat(requests("payments", RequestOutcome.RELEASED)).isEqualTo(1);
		assertThat(requests("payments", RequestOutcome.EXECUTED)).isZero();
		assertThat(storeCount("release", "success")).isEqualTo(1);
	}

	@Test
	void completionAfterTakeoverCountsFencedWrite() throws InterruptedException {
		ExecutionPolicy shortLease = this.policy.withLease(Duration.ofSeconds(3));
		ClaimOutcome stale = this.executor.claim(key("k1"), RequestFingerprint.of("a"), shortLease);
		this.clock.advance(Duration.ofSeconds(4));
		ClaimOutcome takeover = this.executor.claim(key("k1"), RequestFingerprint.of("a"), shortLease);
		assertThat(takeover).isInstanceOf(ClaimOutcome.Acquired.class);

		WriteOutcome written = ((ClaimOutcome.Acquired) stale).execution()
			.complete(RecordState.FINISHED_OK, StoredResponse.of(201, java.util.Map.of(), new byte[0]));

		assertThat(written).isEqualTo(WriteOutcome.FENCED);
		assertThat(this.registry.get(IdempotencyMetricNames.FENCED_WRITES)
			.tags("endpoint", "payments", "operation", "complete")
			.counter()
			.count()).isEqualTo(1);
		assertThat(storeCount("complete", "fenced")).isEqualTo(1);
		((ClaimOutcome.Acquired) takeover).execution().close();
	}

	@Test
	void everyOutcomeAndFencedOperationIsRegisteredAtZeroOnFirstSightOfAnEndpoint() {
		MicrometerIdempotencyListener listener = new MicrometerIdempotencyListener(this.registry);
		listener.onOutcome("orders", RequestOutcome.EXECUTED);
		Set<String> outcomes = this.registry.find(IdempotencyMetricNames.REQUESTS)
			.tag("endpoint", "orders")
			.counters()
			.stream()
			.map((counter) -> counter.getId().getTag("outcome"))
			.collect(Collectors.toSet());
		assertThat(outcomes).containsExactlyInAnyOrder("executed", "replayed", "conflict", "mismatch", "missing_key",
				"invalid_key", "store_unavailable", "released");
		assertThat(this.registry.find(IdempotencyMetricNames.FENCED_WRITES).tag("endpoint", "orders").counters())
			.extracting((counter) -> counter.getId().getTag("operation"))
			.containsExactlyInAnyOrder("complete", "release", "renew");
		assertThat(requests("orders", RequestOutcome.REPLAYED)).isZero();
	}

	@Test
	void storeErrorsAreRegisteredAtZeroSoTheirRateIsNeverMissing() {
		MicrometerIdempotencyListener listener = new MicrometerIdempotencyListener(this.registry);
		listener.onStoreOperation("redis", StoreOperation.CLAIM, StoreOperationResult.SUCCESS, Duration.ofMillis(1));
		assertThat(this.registry.find(IdempotencyMetricNames.STORE_OPERATIONS)
			.tags("store", "redis", "result", "error")
			.timers()).extracting((timer) -> timer.getId().getTag("operation"))
			.containsExactlyInAnyOrder("claim", "complete", "release", "renew", "find");
		assertThat(this.registry.find(IdempotencyMetricNames.STORE_OPERATIONS)
			.tags("store", "redis", "result", "fenced")
			.timers()).extracting((timer) -> timer.getId().getTag("operation"))
			.containsExactlyInAnyOrder("complete", "release", "renew");
	}

	@Test
	void repeatedEventsReuseTheirMeters() {
		MicrometerIdempotencyListener listener = new MicrometerIdempotencyListener(this.registry);
		listener.onOutcome("orders", RequestOutcome.EXECUTED);
		listener.onStoreOperation("memory", StoreOperation.CLAIM, StoreOperationResult.SUCCESS, Duration.ZERO);
		int meters = this.registry.getMeters().size();
		for (int i = 0; i < 100; i++) {
			listener.onOutcome("orders", RequestOutcome.values()[i % RequestOutcome.values().length]);
			listener.onStoreOperation("memory", StoreOperation.values()[i % StoreOperation.values().length],
					StoreOperationResult.SUCCESS, Duration.ofNanos(i));
			listener.onResponseStored("orders", i);
		}
		assertThat(this.registry.getMeters()).hasSize(meters);
	}

	@Test
	void endpointNamesPastTheCapFoldIntoOther() {
		MicrometerIdempotencyListener listener = new MicrometerIdempotencyListener(this.registry);
		for (int i = 0; i < IdempotencyMetricNames.MAX_ENDPOINTS + 50; i++) {
			listener.onOutcome("/payments/" + i, RequestOutcome.EXECUTED);
		}
		Set<String> endpoints = this.registry.find(IdempotencyMetricNames.REQUESTS)
			.counters()
			.stream()
			.map((counter) -> counter.getId().getTag("endpoint"))
			.collect(Collectors.toSet());
		assertThat(endpoints).hasSize(IdempotencyMetricNames.MAX_ENDPOINTS + 1)
			.contains(IdempotencyMetricNames.OTHER_ENDPOINT);
		assertThat(requests(IdempotencyMetricNames.OTHER_ENDPOINT, RequestOutcome.EXECUTED)).isEqualTo(50);
	}

	@Test
	void tagsNeverCarryTheKey() throws Exception {
		this.executor.execute(key("client-key-4711"), RequestFingerprint.of("body"), this.policy, CODEC, () -> "ok");
		assertThat(this.registry.getMeters()).flatExtracting((meter) -> meter.getId().getTags())
			.noneMatch((tag) -> tag.getValue().contains("4711"));
		assertThat(this.registry.getMeters()).map(Meter::getId)
			.allSatisfy((id) -> assertThat(id.getName()).startsWith("idempotency."));
	}

	private IdempotencyKey key(String clientKey) {
		return IdempotencyKey.of("alice", "payments", clientKey);
	}

	private double requests(String endpoint, RequestOutcome outcome) {
		return this.registry.get(IdempotencyMetricNames.REQUESTS)
			.tags("endpoint", endpoint, "outcome", outcome.tagValue())
			.counter()
			.count();
	}

	private long storeCount(String operation, String result) {
		return this.registry.get(IdempotencyMetricNames.STORE_OPERATIONS)
			.tags("store", "memory", "operation", operation, "result", result)
			.timer()
			.count();
	}

	@Test
	void writeRetriesFailuresAndRenewalLagArePublishedPerEndpoint() {
		MicrometerIdempotencyListener listener = new MicrometerIdempotencyListener(this.registry);
		listener.onWriteRetried("payments", StoreOperation.COMPLETE);
		listener.onWriteRetried("payments", StoreOperation.COMPLETE);
		listener.onWriteFailed("payments", StoreOperation.RELEASE);
		listener.onLeaseRenewed("payments", Duration.ofMillis(12));

		assertThat(this.registry.get(IdempotencyMetricNames.WRITE_RETRIES)
			.tags(IdempotencyMetricNames.TAG_ENDPOINT, "payments", IdempotencyMetricNames.TAG_OPERATION, "complete")
			.counter()
			.count()).isEqualTo(2);
		assertThat(this.registry.get(IdempotencyMetricNames.WRITE_FAILURES)
			.tags(IdempotencyMetricNames.TAG_ENDPOINT, "payments", IdempotencyMetricNames.TAG_OPERATION, "release")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get(IdempotencyMetricNames.WRITE_FAILURES)
			.tags(IdempotencyMetricNames.TAG_OPERATION, "complete")
			.counter()
			.count()).as("published at zero before the first failure").isZero();
		assertThat(this.registry.get(IdempotencyMetricNames.LEASE_RENEWAL_LAG)
			.tag(IdempotencyMetricNames.TAG_ENDPOINT, "payments")
			.timer()
			.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(12);
	}

}
