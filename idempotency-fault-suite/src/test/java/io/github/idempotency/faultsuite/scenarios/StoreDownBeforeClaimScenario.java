package io.github.idempotency.faultsuite.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.CallRecord;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.HistoryChecker;
import io.github.idempotency.faultsuite.harness.SuiteConfiguration;
import io.github.idempotency.faultsuite.stores.RedisStore;
import io.github.idempotency.spring.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 5, the store is down before the claim: Redis killed ({@code SIGKILL}) or frozen ({@code SIGSTOP}).
 * Fresh keys all answer 503 {@code store-unavailable} with {@code Retry-After} within the store timeout + 0.5 s,
 * and nothing executes; after recovery each key, retried until it is not refused, executes exactly once. Both
 * faults use one Redis and one app: each fault ends with the store recovered and every key answered.
 */
class StoreDownBeforeClaimScenario {

	static final String STORE_UNAVAILABLE = "https://idempotency.github.io/problems/store-unavailable";

	// the app's Redis command and connect timeout; shorter ones make the app's own start-up fail on a loaded machine
	private static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration ANSWER_WITHIN = STORE_TIMEOUT.plusMillis(500);

	// short, so that the claims a frozen Redis executes after its callers gave up are over quickly
	private static final Duration LEASE = Duration.ofSeconds(5);

	private static final String BODY = """
			{"amount": 700, "currency": "EUR", "description": "outage"}""";

	private static final int CLIENTS = 8;

	// one Redis of the scenario's own and one app for both faults: each fault ends with the store recovered
	private static RedisStore store;

	private static ChildApp app;

	@BeforeAll
	static void startStoreAndApp() {
		store = RedisStore.start();
		app = ChildApp.start("store-down", store.profile(),
				Map.of("spring.data.redis.url", store.server().url(), "idempotency.redis.key-prefix", "fault-suite:",
						"spring.data.redis.timeout", STORE_TIMEOUT.toMillis() + "ms",
						"spring.data.redis.connect-timeout", STORE_TIMEOUT.toMillis() + "ms", "idempotency.lease",
						LEASE.toSeconds() + "s"));
	}

	@AfterAll
	static void stopStoreAndApp() {
		try {
			if (app != null) {
				app.close();
			}
		}
		finally {
			if (store != null) {
				store.close();
			}
		}
	}

	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	@ParameterizedTest(name = "redis {0}")
	@ValueSource(strings = { "killed", "frozen" })
	void freshKeysAnswer503AndRunNothingThenEachRunsOnceAfterRecovery(String fault) throws Exception {
		int keys = SuiteConfiguration.current().freshKeys();
		Caller alice = new Caller(app, "alice", new CallHistory());
		assertThat(alice.pay("warm-up-" + UUID.randomUUID(), BODY).status()).isEqualTo(201);
		RedisServerProcess server = store.server();
		List<String> fresh = new ArrayList<>();
		for (int i = 0; i < keys; i++) {
			fresh.add("down-" + UUID.randomUUID());
		}
		long ledgerBefore = alice.pspAttempts();
		CallHistory during = new CallHistory();
		if (fault.equals("killed")) {
			server.kill();
		}
		else {
			server.pause();
		}
		try {
			inParallel(fresh, (key) -> alice.recordingInto(during).pay(key, BODY));
		}
		finally {
			if (fault.equals("killed")) {
				server.restart();
			}
			else {
				server.resume();
			}
		}
		long ranWhileDown = alice.pspAttempts() - ledgerBefore;
		List<CallRecord> refused = during.calls();
		long unavailable = refused.stream()
			.filter((call) -> call.status() == 503 && STORE_UNAVAILABLE.equals(call.problemType())
					&& call.retryAfter() != null)
			.count();
		long slowest = refused.stream().mapToLong((call) -> call.endNanos() - call.startNanos()).max().orElse(0);
		long withinBound = refused.stream()
			.filter((call) -> call.endNanos() - call.startNanos() <= ANSWER_WITHIN.toNanos())
			.count();

		CallHistory after = new CallHistory();
		inParallel(fresh, (key) -> await().atMost(LEASE.plusSeconds(45))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> alice.recordingInto(after).pay(key, BODY),
					(call) -> call.status() != 503 && call.status() != 409 && call.status() != 0));
		long ranAfter = alice.pspAttempts() - ledgerBefore - ranWhileDown;
		HistoryChecker.Result check = HistoryChecker.check(after, false);

		boolean passed = unavailable == keys && withinBound == keys && ranWhileDown == 0 && ranAfter == keys
				&& check.passed() && check.executions() == keys;
		FaultSuiteReport.add(new FaultSuiteReport.Row("5 store down before the claim", "redis " + fault,
				keys + " keys",
				unavailable + "/" + keys + " answered 503 store-unavailable with Retry-After; " + withinBound
						+ "/" + keys + " within " + ANSWER_WITHIN.toMillis() + " ms (slowest "
						+ TimeUnit.NANOSECONDS.toMillis(slowest) + " ms); " + ranWhileDown
						+ " executions while down; after recovery " + ranAfter + " executions for " + keys
						+ " keys",
				passed ? "PASS" : "FAIL: " + failure(keys, unavailable, withinBound, ranWhileDown, ranAfter, check),
				"n/a"));
		assertThat(unavailable).isEqualTo(keys);
		assertThat(ranWhileDown).isZero();
		assertThat(withinBound).as("answers within %s ms, slowest %s ms", ANSWER_WITHIN.toMillis(),
				TimeUnit.NANOSECONDS.toMillis(slowest))
			.isEqualTo(keys);
		assertThat(ranAfter).isEqualTo(keys);
		assertThat(check.violations()).isEmpty();
	}

	private static String failure(int keys, long unavailable, long withinBound, long ranWhileDown, long ranAfter,
			HistoryChecker.Result check) {
		List<String> reasons = new ArrayList<>();
		if (unavailable != keys) {
			reasons.add((keys - unavailable) + " answers were not 503 store-unavailable with Retry-After");
		}
		if (withinBound != keys) {
			reasons.add((keys - withinBound) + " answers slower than " + ANSWER_WITHIN.toMillis() + " ms");
		}
		if (ranWhileDown != 0) {
			reasons.add(ranWhileDown + " executions while the store was down");
		}
		if (ranAfter != keys) {
			reasons.add(ranAfter + " executions after recovery for " + keys + " keys");
		}
		reasons.addAll(check.violations());
		return String.join("; ", reasons);
	}

	private static void inParallel(List<String> keys, Consumer<String> call) throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<?>> calls = new ArrayList<>();
			for (String key : keys) {
				calls.add(clients.submit(() -> call.accept(key)));
			}
			for (Future<?> each : calls) {
				each.get(90, TimeUnit.SECONDS);
			}
		}
		finally {
			clients.shutdownNow();
		}
	}

}
