package io.github.idempotency.faultsuite.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import io.github.idempotency.faultsuite.stores.KillablePostgresStore;
import io.github.idempotency.faultsuite.stores.RedisStore;
import io.github.idempotency.spring.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 5, the store is down before the claim: Redis killed ({@code SIGKILL}) or frozen ({@code SIGSTOP}), and
 * PostgreSQL stopped (the JPA store with {@code join-transaction}; every server process killed, then restarted on
 * its port). Fresh keys all answer 503 {@code store-unavailable} with {@code Retry-After} within the store timeout
 * + 0.5 s, and nothing executes; after recovery each key, retried until it is not refused, executes exactly once.
 * Both Redis faults use one Redis and one app: each fault ends with the store recovered and every key answered.
 * PostgreSQL is a server of the scenario's own with an app of its own. There is no negative control: the issue
 * asks for none here.
 */
class StoreDownBeforeClaimScenario {

	static final String STORE_UNAVAILABLE = "https://idempotency.github.io/problems/store-unavailable";

	// the app's Redis command and connect timeout, and its pool's connection timeout on PostgreSQL; shorter ones
	// make the app's own start-up fail on a loaded machine
	private static final Duration STORE_TIMEOUT = Duration.ofSeconds(1);

	// short, so that the claims a frozen Redis executes after its callers gave up are over quickly
	private static final Duration LEASE = Duration.ofSeconds(5);

	private static final String BODY = """
			{"amount": 700, "currency": "EUR", "description": "outage"}""";

	private static final int CLIENTS = 8;

	// one Redis of the scenario's own and one app for both faults: each fault ends with the store recovered
	private static RedisStore store;

	private static ChildApp redisApp;

	@BeforeAll
	static void startStoreAndApp() {
		store = RedisStore.start();
		redisApp = ChildApp.start("store-down", store.profile(),
				Map.of("spring.data.redis.url", store.server().url(), "idempotency.redis.key-prefix", "fault-suite:",
						"spring.data.redis.timeout", STORE_TIMEOUT.toMillis() + "ms",
						"spring.data.redis.connect-timeout", STORE_TIMEOUT.toMillis() + "ms", "idempotency.lease",
						LEASE.toSeconds() + "s"));
	}

	@AfterAll
	static void stopStoreAndApp() {
		try {
			if (redisApp != null) {
				redisApp.close();
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
		RedisServerProcess server = store.server();
		boolean killed = fault.equals("killed");
		outage(redisApp, "redis " + fault, STORE_TIMEOUT, killed ? server::kill : server::pause,
				killed ? server::restart : server::resume);
	}

	@Test
	@DisplayName("postgresql stopped")
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void freshKeysAnswer503AndRunNothingWhilePostgresIsStoppedThenEachRunsOnce() throws Exception {
		// the JPA store's timeout while the database is down is the pool's: a connection is refused at once, and
		// Hikari answers a borrower after its connection timeout
		try (KillablePostgresStore postgres = KillablePostgresStore.start(
				Map.of("spring.datasource.hikari.connection-timeout", STORE_TIMEOUT.toMillis() + "",
						"spring.datasource.hikari.validation-timeout", "500"));
				ChildApp app = ChildApp.start("store-down-postgresql", postgres.profile(),
						withLease(postgres.appProperties()))) {
			outage(app, "postgresql stopped (kill -9)", STORE_TIMEOUT, postgres::kill, postgres::restart);
		}
	}

	/**
	 * Takes the store down, sends every fresh key once while it is down, brings it back, then retries every key
	 * until it is no longer refused; reports the row and asserts it.
	 */
	private static void outage(ChildApp app, String fault, Duration storeTimeout, Runnable takeDown,
			Runnable bringBack) throws Exception {
		Duration answerWithin = storeTimeout.plusMillis(500);
		int keys = SuiteConfiguration.current().freshKeys();
		Caller alice = new Caller(app, "alice", new CallHistory());
		assertThat(alice.pay("warm-up-" + UUID.randomUUID(), BODY).status()).isEqualTo(201);
		List<String> fresh = new ArrayList<>();
		for (int i = 0; i < keys; i++) {
			fresh.add("down-" + UUID.randomUUID());
		}
		long ledgerBefore = alice.pspAttempts();
		CallHistory during = new CallHistory();
		takeDown.run();
		try {
			inParallel(fresh, (key) -> alice.recordingInto(during).pay(key, BODY));
		}
		finally {
			bringBack.run();
		}
		long ranWhileDown = alice.pspAttempts() - ledgerBefore;
		List<CallRecord> refused = during.calls();
		long unavailable = refused.stream()
			.filter((call) -> call.status() == 503 && STORE_UNAVAILABLE.equals(call.problemType())
					&& call.retryAfter() != null)
			.count();
		long slowest = refused.stream().mapToLong((call) -> call.endNanos() - call.startNanos()).max().orElse(0);
		long withinBound = refused.stream()
			.filter((call) -> call.endNanos() - call.startNanos() <= answerWithin.toNanos())
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
		FaultSuiteReport.add(new FaultSuiteReport.Row("5 store down before the claim", fault, keys + " keys",
				unavailable + "/" + keys + " answered 503 store-unavailable with Retry-After; " + withinBound + "/"
						+ keys + " within " + answerWithin.toMillis() + " ms (slowest "
						+ TimeUnit.NANOSECONDS.toMillis(slowest) + " ms); " + ranWhileDown
						+ " executions while down; after recovery " + ranAfter + " executions for " + keys + " keys",
				passed ? "PASS"
						: "FAIL: " + failure(keys, answerWithin, unavailable, withinBound, ranWhileDown, ranAfter,
								check),
				"n/a"));
		assertThat(unavailable).isEqualTo(keys);
		assertThat(ranWhileDown).isZero();
		assertThat(withinBound).as("answers within %s ms, slowest %s ms", answerWithin.toMillis(),
				TimeUnit.NANOSECONDS.toMillis(slowest))
			.isEqualTo(keys);
		assertThat(ranAfter).isEqualTo(keys);
		assertThat(check.violations()).isEmpty();
	}

	private static Map<String, String> withLease(Map<String, String> properties) {
		Map<String, String> withLease = new HashMap<>(properties);
		withLease.put("idempotency.lease", LEASE.toSeconds() + "s");
		return withLease;
	}

	private static String failure(int keys, Duration answerWithin, long unavailable, long withinBound, long ranWhileDown,
			long ranAfter, HistoryChecker.Result check) {
		List<String> reasons = new ArrayList<>();
		if (unavailable != keys) {
			reasons.add((keys - unavailable) + " answers were not 503 store-unavailable with Retry-After");
		}
		if (withinBound != keys) {
			reasons.add((keys - withinBound) + " answers slower than " + answerWithin.toMillis() + " ms");
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
