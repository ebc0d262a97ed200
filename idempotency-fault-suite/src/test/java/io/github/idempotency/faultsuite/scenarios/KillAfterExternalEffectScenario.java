package io.github.idempotency.faultsuite.scenarios;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.CallRecord;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.stores.RedisStore;
import io.github.idempotency.faultsuite.stores.StoreUnderTest;
import io.github.idempotency.faultsuite.stores.Stores;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 3, kill -9 with an external effect (Redis; JPA without join-transaction, on PostgreSQL): instance A is
 * killed while the fake PSP holds its charge.
 * Retries on instance B get 409 only until A's lease has run out (no 409 later than lease + 1 s after the kill),
 * then run; and the retry passes the PSP the same downstream key as A did, so a PSP that honours idempotency keys
 * sees one charge. The downstream keys are read from the PSP's debug log of each instance.
 */
class KillAfterExternalEffectScenario {

	private static final Duration LEASE = Duration.ofSeconds(3);

	private static final Pattern DOWNSTREAM_KEY = Pattern.compile("with downstream key ([0-9a-f]{64})");

	private static final String BODY = """
			{"amount": 4200, "currency": "EUR", "description": "killed owner", "simulate": "slow", "delayMs": 8000}""";

	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis", "postgresql-unjoined" })
	void aKilledOwnersKeyIsFreeOneLeaseLaterAndTheRetryReusesTheDownstreamKey(String storeName) throws Exception {
		// a Redis of its own, as the scenarios that stop or reconfigure one; the shared PostgreSQL, emptied
		try (StoreUnderTest store = storeName.equals("redis") ? RedisStore.start() : Stores.start(storeName)) {
			Map<String, String> properties = new HashMap<>(store.appProperties());
			properties.put("idempotency.lease", LEASE.toSeconds() + "s");
			properties.put("logging.level.io.github.idempotency.sample.psp", "DEBUG");
			CompletableFuture<ChildApp> startingB = CompletableFuture
				.supplyAsync(() -> ChildApp.start("killed-owner-b-" + storeName, store.profile(), properties));
			try (ChildApp a = ChildApp.start("killed-owner-a-" + storeName, store.profile(), properties);
					ChildApp b = startingB.get()) {
				CallHistory history = new CallHistory();
				Caller onA = new Caller(a, "alice", history);
				Caller onB = new Caller(b, "alice", history);
				String key = "killed-" + UUID.randomUUID();
				CompletableFuture.runAsync(() -> onA.pay(key, BODY));
				// the PSP has the charge and logged its downstream key: A is inside the call
				await().atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> !downstreamKeys(a.log()).isEmpty());
				a.kill();
				long killedAt = System.nanoTime();
				CallRecord retry = await().atMost(LEASE.plusSeconds(60))
					.pollInterval(Duration.ofMillis(100))
					.until(() -> onB.pay(key, BODY), (call) -> call.status() != 409);
				long last409 = history.calls()
					.stream()
					.filter((call) -> call.status() == 409)
					.mapToLong((call) -> call.startNanos() - killedAt)
					.max()
					.orElse(0);
				List<String> keysOfA = downstreamKeys(a.log());
				List<String> keysOfB = downstreamKeys(b.log());
				boolean sameDownstreamKey = keysOfA.size() == 1 && keysOfB.equals(keysOfA);
				long bound = LEASE.plusSeconds(1).toNanos();
				boolean passed = retry.status() == 201 && last409 <= bound && sameDownstreamKey;
				FaultSuiteReport.add(new FaultSuiteReport.Row("3 kill -9 after the external call", store.name(), "1",
						"last 409 " + TimeUnit.NANOSECONDS.toMillis(last409) + " ms after the kill (lease "
								+ LEASE.toMillis() + " ms + 1 s allowed); retry " + retry.status()
								+ "; same downstream key: " + sameDownstreamKey,
						passed ? "PASS" : "FAIL: downstream keys A " + keysOfA + ", B " + keysOfB, "n/a"));
				assertThat(retry.status()).isEqualTo(201);
				assertThat(last409).isLessThanOrEqualTo(bound);
				assertThat(keysOfA).hasSize(1);
				assertThat(keysOfB).isEqualTo(keysOfA);
			}
		}
	}

	private static List<String> downstreamKeys(String log) {
		Matcher matcher = DOWNSTREAM_KEY.matcher(log);
		List<String> keys = new java.util.ArrayList<>();
		while (matcher.find()) {
			keys.add(matcher.group(1));
		}
		return keys;
	}

}
