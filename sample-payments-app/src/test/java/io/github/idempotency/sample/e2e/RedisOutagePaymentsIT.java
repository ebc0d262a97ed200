package io.github.idempotency.sample.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import io.github.idempotency.spring.redis.RedisServerProcess;
import io.github.idempotency.spring.redis.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Redis outage seen over HTTP: the {@code redis} profile runs against a {@code redis-server} of this test's own,
 * which the tests kill or suspend. While Redis is gone, every payment answers 503 {@code store-unavailable} within
 * the Redis timeout and the PSP is not called; once Redis is back, the same keys charge exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisOutagePaymentsIT {

	private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

	// the command timeout, plus room for the HTTP round trip and a loaded machine
	private static final Duration FAIL_CLOSED_WITHIN = REDIS_TIMEOUT.plusSeconds(2);

	// short, so that a claim that Redis executes after its caller gave up (a suspended server) is over quickly, yet
	// long enough for the test to see it held on a loaded machine
	private static final Duration LEASE = Duration.ofSeconds(5);

	// Lettuce reconnects on its own, with a back-off that grows during the outage
	private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(30);

	private static final String STORE_UNAVAILABLE = "https://idempotency.github.io/problems/store-unavailable";

	private static final String REQUEST_IN_PROGRESS = "https://idempotency.github.io/problems/request-in-progress";

	private RedisServerProcess server;

	private RunningApp app;

	private ApiClient alice;

	@BeforeAll
	void start() {
		Optional<Path> binary = RedisServerProcess.binary();
		assumeTrue(binary.isPresent(), "No redis-server binary runs here (neither the machine's nor the embedded "
				+ "artifact's): skipping the HTTP outage test, which stops a server of its own");
		this.server = RedisServerProcess.start(binary.get());
		// The start-up check of the eviction policy only warns: with the 500 ms timeouts under test, the first
		// command of a JVM that is still loading Lettuce on a busy machine may time out, and start-up must not hang on
		// that; the tests wait for the store to answer instead (awaitStoreAnswers) before their first assertion.
		this.app = RunningApp.start("redis",
				Map.of("spring.data.redis.url", this.server.url(), "spring.data.redis.timeout",
						REDIS_TIMEOUT.toMillis() + "ms", "spring.data.redis.connect-timeout",
						REDIS_TIMEOUT.toMillis() + "ms", "idempotency.redis.key-prefix",
						RedisTestServer.uniquePrefix(getClass()), "idempotency.lease", LEASE.toSeconds() + "s",
						"idempotency.redis.eviction-policy-check", "warn"));
		this.alice = ApiClient.as(this.app, "alice");
	}

	// a failed test must not leave the next one without Redis
	@AfterEach
	void bringRedisBack() {
		if (this.server != null) {
			this.server.resume();
			if (!this.server.isRunning()) {
				this.server.restart();
			}
		}
	}

	@AfterAll
	void stop() {
		try {
			if (this.app != null) {
				this.app.close();
			}
		}
		finally {
			if (this.server != null) {
				this.server.close();
			}
		}
	}

	@Test
	void whileRedisIsDownPaymentsFailClosedAndChargeNothingThenTheSameKeysChargeOnceAfterRestart() {
		awaitStoreAnswers();
		String ranBefore = newKey();
		chargesOnce(List.of(ranBefore, newKey(), newKey()));
		List<String> keys = List.of(newKey(), newKey(), newKey());

		this.server.kill();
		long attempts = this.alice.pspAttempts();
		// a retry of a payment that ran before the outage cannot be replayed, and must not run again either
		Stream.concat(keys.stream(), Stream.of(ranBefore)).forEach((key) -> assertStoreUnavailable(postTimed(key)));
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts);

		this.server.restart();
		awaitStoreAnswers();
		chargesOnce(keys);
	}

	@Test
	void whileRedisHangsPaymentsFailClosedAndChargeNothingThenTheSameKeysChargeOnceTheirStrayClaimsExpire() {
		awaitStoreAnswers();
		chargesOnce(List.of(newKey(), newKey(), newKey()));
		List<String> keys = List.of(newKey(), newKey(), newKey());

		this.server.pause();
		long attempts = this.alice.pspAttempts();
		try {
			keys.forEach((key) -> assertStoreUnavailable(postTimed(key)));
			assertThat(this.alice.pspAttempts()).isEqualTo(attempts);
		}
		finally {
			this.server.resume();
		}

		// The claims that timed out were already on the connection: Redis executes them when it resumes, for
		// callers that have given up. Each key stays held for one lease (409, still nothing charged), then runs once.
		awaitStoreAnswers();
		long resumed = this.alice.pspAttempts();
		for (String key : keys) {
			HttpResponse<String> held = this.alice.post("/payments", key, AbstractPaymentsEndToEndIT.COFFEE);
			assertThat(held.statusCode()).isEqualTo(409);
			assertThat(AbstractPaymentsEndToEndIT.read(held).get("type").asString()).isEqualTo(REQUEST_IN_PROGRESS);
			assertThat(held.headers().firstValue("Retry-After")).hasValueSatisfying(
					(seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, LEASE.toSeconds()));
		}
		assertThat(this.alice.pspAttempts()).isEqualTo(resumed);
		for (String key : keys) {
			HttpResponse<String> taken = await().atMost(LEASE.plusSeconds(10))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> this.alice.post("/payments", key, AbstractPaymentsEndToEndIT.COFFEE),
						(response) -> response.statusCode() != 409);
			assertThat(taken.statusCode()).isEqualTo(201);
			assertThat(taken.headers().firstValue("Idempotent-Replayed")).isEmpty();
		}
		assertThat(this.alice.pspAttempts()).isEqualTo(resumed + keys.size());
		assertReplayed(keys);
		assertThat(this.alice.pspAttempts()).isEqualTo(resumed + keys.size());
	}

	/**
	 * Sends each key once (each charges), then again (each replays), and checks the PSP count.
	 */
	private void chargesOnce(List<String> keys) {
		long attempts = this.alice.pspAttempts();
		for (String key : keys) {
			HttpResponse<String> response = this.alice.post("/payments", key, AbstractPaymentsEndToEndIT.COFFEE);
			assertThat(response.statusCode()).isEqualTo(201);
			assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
		}
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + keys.size());
		assertReplayed(keys);
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + keys.size());
	}

	private void assertReplayed(List<String> keys) {
		for (String key : keys) {
			HttpResponse<String> replay = this.alice.post("/payments", key, AbstractPaymentsEndToEndIT.COFFEE);
			assertThat(replay.statusCode()).isEqualTo(201);
			assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		}
	}

	/**
	 * Sends payments with fresh keys until one is not refused for the store: each refused one charged nothing, the
	 * one that passes charges once, before the caller takes its PSP count.
	 */
	private void awaitStoreAnswers() {
		HttpResponse<String> response = await().atMost(RECOVERY_DEADLINE)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.alice.post("/payments", newKey(), AbstractPaymentsEndToEndIT.COFFEE),
					(candidate) -> candidate.statusCode() != 503);
		assertThat(response.statusCode()).isEqualTo(201);
	}

	private TimedResponse postTimed(String key) {
		long started = System.nanoTime();
		HttpResponse<String> response = this.alice.post("/payments", key, AbstractPaymentsEndToEndIT.COFFEE);
		return new TimedResponse(response, Duration.ofNanos(System.nanoTime() - started));
	}

	private static void assertStoreUnavailable(TimedResponse timed) {
		HttpResponse<String> response = timed.response();
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(timed.elapsed()).isLessThan(FAIL_CLOSED_WITHIN);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(AbstractPaymentsEndToEndIT.read(response).get("type").asString()).isEqualTo(STORE_UNAVAILABLE);
		assertThat(response.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
		assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
	}

	private static String newKey() {
		return "outage-" + UUID.randomUUID();
	}

	private record TimedResponse(HttpResponse<String> response, Duration elapsed) {
	}

}
