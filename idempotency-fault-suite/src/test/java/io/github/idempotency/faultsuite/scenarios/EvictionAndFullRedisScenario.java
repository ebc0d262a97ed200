package io.github.idempotency.faultsuite.scenarios;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.CallRecord;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.HistoryChecker;
import io.github.idempotency.faultsuite.stores.RedisCommands;
import io.github.idempotency.faultsuite.stores.RedisStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 8, eviction and a full Redis.
 * <ul>
 * <li>An app pointed at a Redis whose {@code maxmemory-policy} evicts keys ({@code allkeys-lru}) refuses to start,
 * with a message that names the policy and the fix.</li>
 * <li>With {@code noeviction}, Redis is filled up to its {@code maxmemory} with other data (the app's records were
 * written first), and kept full: its limit is then set 1 MiB below the memory in use, since at the limit every
 * closed connection frees room for claims again. Fresh keys then answer 503 with {@code Retry-After} and nothing
 * executes; every stored record is still there and replayed byte for byte, while Redis is full and after memory was
 * freed; the fresh keys, retried after that, execute once each.</li>
 * </ul>
 */
class EvictionAndFullRedisScenario {

	private static final String EVICTING_POLICY = "allkeys-lru";

	private static final String MAXMEMORY = "8mb";

	private static final int STORED_KEYS = 20;

	private static final int FRESH_KEYS = 20;

	// other data that fills Redis: a cache, a session store sharing the server
	private static final int FILLER_BYTES = 64 * 1024;

	private static final String RECORD_PATTERN = "fault-suite:*";

	private static final String BODY = """
			{"amount": 1000, "currency": "EUR", "description": "full redis"}""";

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void anEvictingPolicyIsRefusedAndAFullRedisRefusesNewClaimsAndKeepsItsRecords() throws Exception {
		evictingPolicyIsRefusedAtStartUp();
		fullRedisRefusesNewClaimsAndKeepsItsRecords();
	}

	private static void evictingPolicyIsRefusedAtStartUp() throws IOException {
		try (RedisStore store = RedisStore.start("--maxmemory", MAXMEMORY, "--maxmemory-policy", EVICTING_POLICY)) {
			String name = "eviction-refused-" + UUID.randomUUID().toString().substring(0, 8);
			long start = System.nanoTime();
			String failure;
			Map<String, String> properties = new HashMap<>(store.appProperties());
			// a CPU-starved app takes seconds to set up a connection: the refusal must be the policy's
			properties.put("spring.data.redis.connect-timeout", "5s");
			try (ChildApp app = ChildApp.start(name, store.profile(), properties)) {
				failure = null;
			}
			catch (RuntimeException ex) {
				// ChildApp reports an app that exited while it waited for its health endpoint
				failure = String.valueOf(ex.getMessage());
			}
			long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
			String log = log(name);
			boolean exited = failure != null && failure.contains("exited");
			boolean namesPolicy = log.contains("maxmemory-policy '" + EVICTING_POLICY + "'");
			boolean namesFix = log.contains("Set maxmemory-policy to noeviction");
			boolean passed = exited && namesPolicy && namesFix;
			FaultSuiteReport.add(new FaultSuiteReport.Row("8 evicting policy refused at start-up",
					"redis " + EVICTING_POLICY, "1 start",
					(exited ? "the app exited at start-up after " + seconds + " s" : "the app started")
							+ "; its log names the policy: " + namesPolicy + ", and the fix (noeviction): "
							+ namesFix,
					passed ? "PASS" : "FAIL: " + failure, "n/a"));
			assertThat(exited).as("the app must refuse to start: " + failure).isTrue();
			assertThat(namesPolicy).as("log of " + name).isTrue();
			assertThat(namesFix).as("log of " + name).isTrue();
		}
	}

	private static void fullRedisRefusesNewClaimsAndKeepsItsRecords() throws Exception {
		try (RedisStore store = RedisStore.start("--maxmemory", MAXMEMORY, "--maxmemory-policy", "noeviction")) {
			int port = store.server().port();
			Map<String, String> properties = new HashMap<>(store.appProperties());
			properties.put("spring.data.redis.timeout", "2s");
			// a CPU-starved app takes seconds to set up a connection
			properties.put("spring.data.redis.connect-timeout", "5s");
			try (ChildApp app = ChildApp.start("full-redis", store.profile(), properties)) {
				CallHistory history = new CallHistory();
				Caller alice = new Caller(app, "alice", history);
				List<String> stored = keys("stored", STORED_KEYS);
				for (String key : stored) {
					assertThat(alice.pay(key, BODY).status()).isEqualTo(201);
				}
				long recordsBefore = records(port);
				int fillers = fill(port);
				// a full Redis stays full: at its limit, a closed connection (about 20 KiB of client buffers) would
				// make room for a hundred claims again, so the limit goes 1 MiB below the memory in use
				long used = Long.parseLong(RedisCommands.info(port, "memory", "used_memory"));
				RedisCommands.call(port, "CONFIG", "SET", "maxmemory", Long.toString(used - 1024 * 1024));
				assertThatThrownBy(() -> RedisCommands.call(port, "SET", "probe", "x"))
					.hasMessageStartingWith("OOM");
				long ledgerBefore = alice.pspAttempts();

				List<String> fresh = keys("fresh", FRESH_KEYS);
				List<CallRecord> refused = new ArrayList<>();
				for (String key : fresh) {
					refused.add(alice.pay(key, BODY));
				}
				long ranWhileFull = alice.pspAttempts() - ledgerBefore;
				long unavailable = refused.stream()
					.filter((call) -> call.status() == 503
							&& StoreDownBeforeClaimScenario.STORE_UNAVAILABLE.equals(call.problemType())
							&& call.retryAfter() != null)
					.count();
				long replayedWhileFull = stored.stream().filter((key) -> alice.pay(key, BODY).replayed()).count();
				long recordsWhileFull = records(port);

				// an operator adds memory
				RedisCommands.call(port, "CONFIG", "SET", "maxmemory", "0");
				long replayedAfter = stored.stream().filter((key) -> alice.pay(key, BODY).replayed()).count();
				for (String key : fresh) {
					await().atMost(Duration.ofSeconds(60))
						.pollInterval(Duration.ofMillis(250))
						.until(() -> alice.pay(key, BODY), (call) -> call.status() != 503 && call.status() != 0);
				}
				long ranAfter = alice.pspAttempts() - ledgerBefore - ranWhileFull;
				HistoryChecker.Result check = HistoryChecker.check(history, false);

				boolean passed = fillers > 0 && unavailable == FRESH_KEYS && ranWhileFull == 0
						&& replayedWhileFull == STORED_KEYS && recordsWhileFull == recordsBefore
						&& recordsBefore == STORED_KEYS && replayedAfter == STORED_KEYS && ranAfter == FRESH_KEYS
						&& check.passed() && check.executions() == STORED_KEYS + FRESH_KEYS;
				String figure = "filled with " + fillers + " x 64 KiB of other data up to maxmemory " + MAXMEMORY
						+ ", then maxmemory 1 MiB below the memory in use: " + unavailable + "/" + FRESH_KEYS
						+ " fresh keys answered 503 with Retry-After, " + ranWhileFull + " executions; records "
						+ recordsBefore + " before, " + recordsWhileFull
						+ " while full; " + replayedWhileFull + "/" + STORED_KEYS + " replayed while full, "
						+ replayedAfter + "/" + STORED_KEYS + " after memory was freed; then " + ranAfter
						+ " executions for " + FRESH_KEYS + " fresh keys";
				FaultSuiteReport.add(new FaultSuiteReport.Row("8 full redis", "redis noeviction", FRESH_KEYS + " keys",
						figure, passed ? "PASS" : "FAIL: " + String.join("; ", check.violations()), "n/a"));
				assertThat(fillers).isPositive();
				assertThat(unavailable).as(figure).isEqualTo(FRESH_KEYS);
				assertThat(ranWhileFull).as(figure).isZero();
				assertThat(recordsBefore).as(figure).isEqualTo(STORED_KEYS);
				assertThat(recordsWhileFull).as(figure).isEqualTo(recordsBefore);
				assertThat(replayedWhileFull).as(figure).isEqualTo(STORED_KEYS);
				assertThat(replayedAfter).as(figure).isEqualTo(STORED_KEYS);
				assertThat(ranAfter).as(figure).isEqualTo(FRESH_KEYS);
				assertThat(check.violations()).isEmpty();
			}
		}
	}

	/**
	 * Writes other data until Redis refuses a write for want of memory.
	 * @return how many values it took
	 */
	private static int fill(int port) {
		String value = "x".repeat(FILLER_BYTES);
		for (int i = 0; i < 10_000; i++) {
			try {
				RedisCommands.call(port, "SET", "filler:" + i, value);
			}
			catch (RedisCommands.RedisError ex) {
				assertThat(ex.getMessage()).startsWith("OOM");
				return i;
			}
		}
		throw new IllegalStateException("Redis took 10,000 values of 64 KiB without reaching its maxmemory");
	}

	private static long records(int port) {
		String keys = RedisCommands.call(port, "KEYS", RECORD_PATTERN);
		return (keys == null || keys.isEmpty()) ? 0 : keys.split("\n").length;
	}

	private static List<String> keys(String phase, int count) {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			keys.add("full-" + phase + "-" + UUID.randomUUID());
		}
		return keys;
	}

	/** The log of the app started under {@code name} (its file is named after the name and the app's port). */
	private static String log(String name) throws IOException {
		try (Stream<Path> logs = Files.list(Path.of("target", "fault-suite-logs"))) {
			Path log = logs.filter((path) -> path.getFileName().toString().startsWith(name + "-"))
				.max(Comparator.comparing((path) -> path.toFile().lastModified()))
				.orElseThrow(() -> new IllegalStateException("no log of " + name));
			return Files.readString(log);
		}
	}

}
