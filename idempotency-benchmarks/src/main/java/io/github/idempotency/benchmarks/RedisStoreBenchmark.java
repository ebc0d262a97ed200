package io.github.idempotency.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.spring.redis.RedisIdempotencyStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.types.Expiration;

/**
 * The Redis store's own cost per request against a real Redis (by default {@code 127.0.0.1:6379}, or the
 * {@code IDEMPOTENCY_BENCH_REDIS} host:port), through a {@link LettuceConnectionFactory} as Spring Boot configures it
 * (one shared native connection): a first request's claim and completion, and a replay's claim that finds the
 * finished record. Most of each operation's time is the round trip to Redis; what the store adds shows in the bytes
 * allocated per operation ({@code -prof gc}) and in ratios against {@link #ping()}, one round trip on the same
 * connection factory.
 * <p>
 * {@code -prof gc} counts the bytes that every thread allocated, the Lettuce event loop's included; with a
 * round trip per operation there are few operations per iteration, so that figure moves by hundreds of bytes between
 * runs. Each iteration therefore also prints the bytes allocated by the calling thread alone per operation
 * ({@code caller-thread allocation: ... B/op}), which does not depend on the load.
 * <p>
 * Keys live under {@value #PREFIX} and expire within seconds, so the benchmark neither grows Redis nor touches
 * anybody else's keys.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(Scope.Thread)
public class RedisStoreBenchmark {

	static final String PREFIX = "idempotency-jmh:";

	/** A power of two, so the next index is a mask. */
	static final int KEY_COUNT = 1 << 16;

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration RETENTION = Duration.ofSeconds(2);

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.builder()
		.add("POST")
		.add("/payments")
		.add("{\"amount\":4250,\"currency\":\"EUR\"}".getBytes(StandardCharsets.UTF_8))
		.build();

	// the end-to-end benchmark's receipt: 89 bytes of JSON, with the one header a JSON handler sets
	private static final StoredResponse RECEIPT = StoredResponse.of(201,
			Map.of("Content-Type", List.of("application/json")),
			("{\"id\":\"" + UUID.randomUUID() + "\",\"sku\":\"BOOK-1\",\"qty\":2,\"status\":\"ACCEPTED\"}")
				.getBytes(StandardCharsets.UTF_8));

	// the end-to-end benchmark's hand-written minimal path (sample app, RedisIdealPath): claim-or-read, then SET
	private static final byte[] IDEAL_CLAIM_OR_READ = """
			if redis.call('SET', KEYS[1], '', 'NX', 'PX', ARGV[1]) then
			  return false
			end
			return redis.call('GET', KEYS[1])
			""".getBytes(StandardCharsets.UTF_8);

	private static final byte[] IDEAL_TTL = Long.toString(RETENTION.toMillis()).getBytes(StandardCharsets.US_ASCII);

	private LettuceConnectionFactory connectionFactory;

	private String idealSha;

	private byte[][] idealKeys;

	private byte[] idealFinished;

	private RedisIdempotencyStore store;

	/**
	 * Storage keys for first requests, computed before measuring (hashing the key is the core's cost, not the
	 * store's); a cycle through them takes far longer than a record lives, so each claim finds its key free.
	 */
	private final StorageKey[] keys = new StorageKey[KEY_COUNT];

	private StorageKey finished;

	private int next;

	private final CallerAllocation callerAllocation = new CallerAllocation();

	@Setup
	public void connect() {
		String[] hostAndPort = System.getenv().getOrDefault("IDEMPOTENCY_BENCH_REDIS", "127.0.0.1:6379").split(":");
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(hostAndPort[0], Integer.parseInt(hostAndPort[1])));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.store = new RedisIdempotencyStore(this.connectionFactory, PREFIX);
		String run = UUID.randomUUID().toString();
		for (int i = 0; i < KEY_COUNT; i++) {
			this.keys[i] = IdempotencyKey.of("", "POST /payments", run + ":" + i).storageKey();
		}
		// a replay's record, kept alive for the whole run
		this.finished = IdempotencyKey.of("", "POST /payments", run).storageKey();
		ClaimResult claimed = this.store.claim(this.finished, FINGERPRINT, Instant.now(), LEASE);
		if (!(claimed instanceof ClaimResult.Claimed owned) || !this.store.complete(this.finished, owned.owner(),
				RecordState.FINISHED_OK, RECEIPT, Instant.now(), Duration.ofHours(1))) {
			throw new IllegalStateException("Could not store the replayed record: " + claimed);
		}
		if (!(this.store.claim(this.finished, FINGERPRINT, Instant.now(), LEASE) instanceof ClaimResult.Existing)) {
			throw new IllegalStateException("A duplicate claim did not find the finished record");
		}
		this.idealKeys = new byte[KEY_COUNT][];
		for (int i = 0; i < KEY_COUNT; i++) {
			this.idealKeys[i] = (PREFIX + "ideal:" + run + ":" + i).getBytes(StandardCharsets.UTF_8);
		}
		this.idealFinished = (PREFIX + "ideal:" + run).getBytes(StandardCharsets.UTF_8);
		try (var connection = this.connectionFactory.getConnection()) {
			this.idealSha = connection.scriptingCommands().scriptLoad(IDEAL_CLAIM_OR_READ);
			connection.stringCommands()
				.set(this.idealFinished, RECEIPT.body(), Expiration.from(Duration.ofHours(1)), SetOption.upsert());
		}
	}

	@Setup(Level.Iteration)
	public void startCounting() {
		this.callerAllocation.start();
	}

	@TearDown(Level.Iteration)
	public void reportCallerAllocation() {
		this.callerAllocation.report();
	}

	@TearDown
	public void disconnect() {
		this.store.delete(this.finished);
		try (var connection = this.connectionFactory.getConnection()) {
			connection.keyCommands().del(this.idealFinished);
		}
		this.connectionFactory.destroy();
	}

	/** One round trip on the same factory, for scale: what no store operation can cost less than. */
	@Benchmark
	public String ping() {
		this.callerAllocation.count();
		try (var connection = this.connectionFactory.getConnection()) {
			return connection.ping();
		}
	}

	/**
	 * Only what every store operation and {@link #ping()} pay before any command: a {@code RedisConnection} from the
	 * factory (Spring Data's thin wrapper over the shared native connection, with two logger lookups), closed.
	 */
	@Benchmark
	public boolean connection() {
		this.callerAllocation.count();
		try (var connection = this.connectionFactory.getConnection()) {
			return connection.isClosed();
		}
	}

	/** A first request's store operations: the claim of a new key and the completion with the receipt. */
	@Benchmark
	public boolean firstRequest() {
		this.callerAllocation.count();
		StorageKey key = this.keys[this.next++ & (KEY_COUNT - 1)];
		if (!(this.store.claim(key, FINGERPRINT, Instant.EPOCH, LEASE) instanceof ClaimResult.Claimed claimed)) {
			throw new IllegalStateException("A first request found its key taken: the key cycle is too short");
		}
		return this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, RECEIPT, Instant.EPOCH, RETENTION);
	}

	/** A replay's store operation: a claim that finds the finished record and returns it decoded. */
	@Benchmark
	public ClaimResult replay() {
		this.callerAllocation.count();
		return this.store.claim(this.finished, FINGERPRINT, Instant.EPOCH, LEASE);
	}

	/**
	 * The end-to-end benchmark's ideal first request, side by side with {@link #firstRequest()}: its claim-or-read
	 * script, then a plain {@code SET PX} of the body, through Spring Data as the sample app sends them (no
	 * fencing, no lease, no server clock).
	 */
	@Benchmark
	public boolean idealFirstRequest() {
		this.callerAllocation.count();
		byte[] key = this.idealKeys[this.next++ & (KEY_COUNT - 1)];
		try (var connection = this.connectionFactory.getConnection()) {
			if (idealClaim(connection, key) != null) {
				throw new IllegalStateException("An ideal first request found its key taken");
			}
		}
		try (var connection = this.connectionFactory.getConnection()) {
			return Boolean.TRUE.equals(connection.stringCommands()
				.set(key, RECEIPT.body(), Expiration.milliseconds(RETENTION.toMillis()), SetOption.upsert()));
		}
	}

	/** The ideal replay, side by side with {@link #replay()}: the claim-or-read script finds the stored body. */
	@Benchmark
	public byte[] idealReplay() {
		this.callerAllocation.count();
		try (var connection = this.connectionFactory.getConnection()) {
			return idealClaim(connection, this.idealFinished);
		}
	}

	private byte[] idealClaim(RedisConnection connection, byte[] key) {
		return connection.scriptingCommands().evalSha(this.idealSha, ReturnType.VALUE, 1, key, IDEAL_TTL);
	}

}
