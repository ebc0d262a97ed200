package io.github.idempotency.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.execution.StoreOperation;
import io.github.idempotency.core.execution.StoreOperationResult;
import io.github.idempotency.core.execution.WriteOutcome;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.metrics.MicrometerIdempotencyListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's share of a first request, for issue 14's goals: claim and complete "in core" allocate at most 256 B and
 * take at most 400 ns, and a metric update allocates nothing. Unlike {@link RequestCostBenchmark}, keys, fingerprints
 * and the stored response are built before measuring (they are the caller's work), so what remains is the executor
 * and the memory store. Run with {@code -prof gc}: the bytes per operation are what the goals are about.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(Scope.Thread)
public class CoreAllocationBenchmark {

	private static final StoredResponse RECEIPT = StoredResponse.of(200, Map.of(),
			"{\"paymentId\":\"pay_5Jk0Qm2r\",\"status\":\"captured\"}".getBytes(StandardCharsets.UTF_8));

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofSeconds(1);

	private static final Duration ELAPSED = Duration.ofNanos(12_345);

	private final IdempotencyKey[] keys = new IdempotencyKey[RequestCostBenchmark.KEY_COUNT];

	private final StorageKey[] storageKeys = new StorageKey[RequestCostBenchmark.KEY_COUNT];

	private final RequestFingerprint fingerprint = RequestFingerprint.builder().add("POST").add("/payments").build();

	private int next;

	private ExecutionPolicy policy;

	private IdempotentExecutor executor;

	private InMemoryIdempotencyStore store;

	private SteppingClock storeClock;

	private MicrometerIdempotencyListener metrics;

	@Setup
	public void setUp() throws InterruptedException {
		Random random = new Random(42);
		for (int i = 0; i < this.keys.length; i++) {
			this.keys[i] = IdempotencyKey.of("", "POST /payments", new UUID(random.nextLong(), random.nextLong())
				.toString());
			this.storageKeys[i] = this.keys[i].storageKey();
		}
		this.policy = ExecutionPolicy.defaults("payments").withRetention(RETENTION);
		this.executor = IdempotentExecutor.builder(new InMemoryIdempotencyStore())
			.clock(new SteppingClock())
			.listener(IdempotencyListener.NONE)
			.build();
		this.store = new InMemoryIdempotencyStore();
		this.storeClock = new SteppingClock();
		this.metrics = new MicrometerIdempotencyListener(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
		for (int i = 0; i < 2 * this.keys.length; i++) {
			if (claimAndComplete() != WriteOutcome.APPLIED || !storeClaimAndComplete()) {
				throw new IllegalStateException("A first request did not claim and complete its key");
			}
		}
		metricUpdate();
	}

	@TearDown
	public void tearDown() {
		this.executor.close();
	}

	/**
	 * {@link IdempotentExecutor#claim} of a new key and {@code complete} of its execution with a prepared response,
	 * on the memory store, no listener: the store calls, the execution joining and leaving the renewal sweep, the
	 * bookkeeping.
	 * @return how the completion was written
	 * @throws InterruptedException never, no duplicate waits
	 */
	@Benchmark
	public WriteOutcome claimAndComplete() throws InterruptedException {
		ClaimOutcome outcome = this.executor.claim(this.keys[nextIndex()], this.fingerprint, this.policy);
		return ((ClaimOutcome.Acquired) outcome).execution().complete(RecordState.FINISHED_OK, RECEIPT);
	}

	/**
	 * The memory store alone: {@code claim} of a new key and {@code complete} of its record.
	 * @return whether the completion was written
	 */
	@Benchmark
	public boolean storeClaimAndComplete() {
		StorageKey key = this.storageKeys[nextIndex()];
		Instant now = this.storeClock.instant();
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) this.store.claim(key, this.fingerprint, now, LEASE);
		return this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, RECEIPT, now, RETENTION);
	}

	/**
	 * What the Micrometer listener does for a first request: the outcome counter, the claim and complete timers, the
	 * response size.
	 */
	@Benchmark
	public void metricUpdate() {
		this.metrics.onStoreOperation("memory", StoreOperation.CLAIM, StoreOperationResult.SUCCESS, ELAPSED);
		this.metrics.onStoreOperation("memory", StoreOperation.COMPLETE, StoreOperationResult.SUCCESS, ELAPSED);
		this.metrics.onOutcome("payments", RequestOutcome.EXECUTED);
		this.metrics.onResponseStored("payments", 48);
	}

	private int nextIndex() {
		int index = this.next;
		this.next = (index + 1) & (RequestCostBenchmark.KEY_COUNT - 1);
		return index;
	}

}
