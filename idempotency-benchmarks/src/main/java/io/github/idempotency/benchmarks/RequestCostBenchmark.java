package io.github.idempotency.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ExecutionResult;
import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.ResultCodec;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The library's own CPU per request, to hold against the design's budget of about 15 us (key, fingerprint,
 * capture, metrics). Every benchmark starts from the same inputs: a client key (a UUID), the operation
 * {@code POST /payments} and a 200-byte JSON body; the protected action returns a prepared 200-byte JSON receipt,
 * so what is measured is the library, not the application.
 * <p>
 * First requests cycle through {@value #KEY_COUNT} client keys on a {@link SteppingClock} with a one-second
 * retention: by the time a key comes round again its record has expired, so every claim wins as for a new key,
 * while the store stays at {@value #KEY_COUNT} records at most instead of growing for as long as the run lasts (a
 * growing heap would measure the garbage collector). {@link #verify()} checks that before measuring.
 * <p>
 * The defaults below are modest on purpose (one fork, short iterations, one thread); see {@code docs/benchmarks.md}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(Scope.Thread)
public class RequestCostBenchmark {

	/** Distinct client keys for first requests; a power of two, so the next index is a mask. */
	static final int KEY_COUNT = 4096;

	private static final String SCOPE = "";

	private static final String METHOD = "POST";

	private static final String ROUTE = "/payments";

	private static final String OPERATION = METHOD + " " + ROUTE;

	private static final String QUERY = "";

	// what a payments client sends: 200 bytes, as the design's budget is stated for a small JSON body
	private static final byte[] BODY = jsonOf(200,
			"{\"orderId\":\"ord_7Hq2Lk9x\",\"amount\":4250,\"currency\":\"EUR\",\"customer\":\"cus_31fa9c\","
					+ "\"method\":\"card\",\"card\":\"tok_visa_4242\",\"description\":\"Order 7Hq2Lk9x\",\"note\":\"");

	private static final byte[] RECEIPT = jsonOf(200,
			"{\"paymentId\":\"pay_5Jk0Qm2r\",\"orderId\":\"ord_7Hq2Lk9x\",\"status\":\"captured\",\"amount\":4250,"
					+ "\"currency\":\"EUR\",\"capturedAt\":\"2026-01-01T00:00:00Z\",\"note\":\"");

	private static final ResultCodec<byte[]> BYTES = new ResultCodec<>() {

		@Override
		public byte[] encode(byte[] value) {
			return value;
		}

		@Override
		public byte[] decode(byte[] bytes) {
			return bytes;
		}

	};

	private final String[] clientKeys = new String[KEY_COUNT];

	private final String replayedClientKey = UUID.nameUUIDFromBytes(new byte[] { 1 }).toString();

	private int next;

	private ExecutionPolicy firstRequestPolicy;

	private ExecutionPolicy replayPolicy;

	private IdempotentExecutor firstRequests;

	private IdempotentExecutor firstRequestsWithMetrics;

	private IdempotentExecutor replays;

	private IdempotentExecutor replaysWithMetrics;

	@Setup
	public void setUp() throws Exception {
		Random random = new Random(42);
		for (int i = 0; i < KEY_COUNT; i++) {
			this.clientKeys[i] = new UUID(random.nextLong(), random.nextLong()).toString();
		}
		// a key comes round again after KEY_COUNT requests, at least KEY_COUNT milliseconds of the stepping clock later
		this.firstRequestPolicy = ExecutionPolicy.defaults("payments").withRetention(Duration.ofSeconds(1));
		this.replayPolicy = ExecutionPolicy.defaults("payments");
		this.firstRequests = executor(new SteppingClock(), IdempotencyListener.NONE);
		this.firstRequestsWithMetrics = executor(new SteppingClock(), metrics());
		this.replays = executor(Clock.systemUTC(), IdempotencyListener.NONE);
		this.replaysWithMetrics = executor(Clock.systemUTC(), metrics());
		replay(this.replays);
		replay(this.replaysWithMetrics);
		verify();
	}

	/**
	 * Checks that the benchmarks measure what they say: two rounds of first requests each execute (the second round
	 * reuses expired keys), and replays replay.
	 */
	void verify() throws Exception {
		for (IdempotentExecutor executor : new IdempotentExecutor[] { this.firstRequests,
				this.firstRequestsWithMetrics }) {
			for (int i = 0; i < 2 * KEY_COUNT; i++) {
				ExecutionResult<byte[]> result = firstRequest(executor);
				if (!(result instanceof ExecutionResult.Executed<byte[]> executed) || executed.unprotected()) {
					throw new IllegalStateException("A first request did not execute protected: " + result);
				}
			}
			int size = ((InMemoryIdempotencyStore) executor.store()).size();
			// expired records are reused by their key or removed by later claims: the store never grows past the keys
			if (size > KEY_COUNT) {
				throw new IllegalStateException("The store holds " + size + " records, more than " + KEY_COUNT);
			}
		}
		for (IdempotentExecutor executor : new IdempotentExecutor[] { this.replays, this.replaysWithMetrics }) {
			if (!(replay(executor) instanceof ExecutionResult.Replayed)) {
				throw new IllegalStateException("A duplicate request did not replay");
			}
		}
	}

	@TearDown
	public void tearDown() {
		this.firstRequests.close();
		this.firstRequestsWithMetrics.close();
		this.replays.close();
		this.replaysWithMetrics.close();
	}

	/**
	 * Reference: no library code, only picking the next client key and handing the request's inputs to the
	 * blackhole. Subtract it from the others to see the library alone.
	 * @param blackhole consumes the inputs
	 */
	@Benchmark
	public void baseline(Blackhole blackhole) {
		blackhole.consume(nextClientKey());
		blackhole.consume(SCOPE);
		blackhole.consume(OPERATION);
		blackhole.consume(QUERY);
		blackhole.consume(BODY);
	}

	/**
	 * Core only, no store: validating and hashing the key ({@link IdempotencyKey#of}) and fingerprinting the request
	 * as the web layer does (method, route, path, query, then the 200-byte body).
	 * @param blackhole consumes the key and the fingerprint
	 */
	@Benchmark
	public void keyAndFingerprint(Blackhole blackhole) {
		String clientKey = nextClientKey();
		blackhole.consume(IdempotencyKey.of(SCOPE, OPERATION, clientKey));
		blackhole.consume(fingerprint());
	}

	/**
	 * A first request: key and fingerprint, then {@link IdempotentExecutor#execute} on an
	 * {@link InMemoryIdempotencyStore} claims the key, joins the executor's lease renewal sweep, runs the action and
	 * completes the record with the 200-byte receipt. No listener ({@link IdempotencyListener#NONE}).
	 * @return the result
	 * @throws Exception never, the action does not fail
	 */
	@Benchmark
	public ExecutionResult<byte[]> firstRequest() throws Exception {
		return firstRequest(this.firstRequests);
	}

	/**
	 * {@link #firstRequest()} with the {@link MicrometerIdempotencyListener} on a {@link PrometheusMeterRegistry}:
	 * the difference is the cost of metrics (a request counter, two store timers with histograms, a response size
	 * summary).
	 * @return the result
	 * @throws Exception never, the action does not fail
	 */
	@Benchmark
	public ExecutionResult<byte[]> firstRequestWithMetrics() throws Exception {
		return firstRequest(this.firstRequestsWithMetrics);
	}

	/**
	 * A duplicate of a finished request: key and fingerprint, then one claim that finds the finished record and
	 * decodes its stored receipt (one copy of the body). No listener.
	 * @return the result
	 * @throws Exception never, the action does not run
	 */
	@Benchmark
	public ExecutionResult<byte[]> replay() throws Exception {
		return replay(this.replays);
	}

	/**
	 * {@link #replay()} with the {@link MicrometerIdempotencyListener} on a {@link PrometheusMeterRegistry} (a request
	 * counter and the claim timer).
	 * @return the result
	 * @throws Exception never, the action does not run
	 */
	@Benchmark
	public ExecutionResult<byte[]> replayWithMetrics() throws Exception {
		return replay(this.replaysWithMetrics);
	}

	private ExecutionResult<byte[]> firstRequest(IdempotentExecutor executor) throws Exception {
		IdempotencyKey key = IdempotencyKey.of(SCOPE, OPERATION, nextClientKey());
		return executor.execute(key, fingerprint(), this.firstRequestPolicy, BYTES, () -> RECEIPT);
	}

	private ExecutionResult<byte[]> replay(IdempotentExecutor executor) throws Exception {
		IdempotencyKey key = IdempotencyKey.of(SCOPE, OPERATION, this.replayedClientKey);
		return executor.execute(key, fingerprint(), this.replayPolicy, BYTES, () -> RECEIPT);
	}

	private static RequestFingerprint fingerprint() {
		return RequestFingerprint.builder().add(METHOD).add(ROUTE).add(ROUTE).add(QUERY).add(BODY).build();
	}

	private String nextClientKey() {
		String clientKey = this.clientKeys[this.next];
		this.next = (this.next + 1) & (KEY_COUNT - 1);
		return clientKey;
	}

	private IdempotentExecutor executor(Clock clock, IdempotencyListener listener) {
		return IdempotentExecutor.builder(new InMemoryIdempotencyStore()).clock(clock).listener(listener).build();
	}

	private static IdempotencyListener metrics() {
		return new MicrometerIdempotencyListener(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
	}

	// pads a JSON object to exactly the given size, so the body size is what the javadoc says
	private static byte[] jsonOf(int size, String opening) {
		String closing = "\"}";
		int padding = size - opening.length() - closing.length();
		if (padding < 0) {
			throw new IllegalArgumentException("The opening is longer than " + size + " bytes");
		}
		return (opening + "x".repeat(padding) + closing).getBytes(StandardCharsets.US_ASCII);
	}

}
