package io.github.idempotency.faultsuite.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.idempotency.faultsuite.broken.BrokenSetting;
import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.CallRecord;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.HistoryChecker;
import io.github.idempotency.faultsuite.stores.RedisStore;
import io.github.idempotency.spring.redis.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 6, the store fails between execution and completion. Every key is inside the PSP call (claimed, its
 * side effect under way) when Redis is frozen ({@code SIGSTOP}) or killed ({@code SIGKILL}, then restarted on the
 * same port from its append-only file); the methods return while Redis is gone, so each completion fails and is
 * retried with backoff, the lease being renewed meanwhile. Duplicates sent during the outage answer 503, those sent
 * after recovery 409 until the completion is stored, then a byte-identical replay; the PSP is called once per key.
 * <p>
 * Control: a completion that is not retried ({@code no-completion-retry}): the record stays ongoing until its lease
 * runs out, and the duplicates then run the payment again.
 * <p>
 * The killed server needs its append-only file ({@code appendfsync always}): a Redis restarted without persistence
 * has forgotten the claims themselves, which no completion retry can repair (docs/redis.md).
 */
class StoreFailsBeforeCompletionScenario {

	// the app's Redis command timeout: each completion attempt against a frozen Redis fails after this long
	private static final Duration STORE_TIMEOUT = Duration.ofSeconds(2);

	// a CPU-starved app takes seconds to set up a connection; shorter ones fail its start-up on a loaded machine
	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	// the outage (about 3 s) plus the time since the last renewal must stay within one lease, with room for a
	// loaded machine; the control's records stay blocked for up to two leases after recovery
	private static final Duration LEASE = Duration.ofSeconds(15);

	private static final int KEYS = 10;

	private static final String BODY = """
			{"amount": 800, "currency": "EUR", "description": "completion outage", "simulate": "slow", \
			"delayMs": 1500}""";

	private static final Pattern FIRST_COMPLETION_RETRY = Pattern.compile("The complete of \\S+ failed .*; retry 1 ");

	private static final Pattern STORED_AFTER_RETRIES = Pattern.compile("Stored the complete of \\S+ after (\\d+) ");

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void theCompletionIsRetriedAndStoredAfterRecoveryAndNoDuplicateRunsMeanwhile() throws Exception {
		// appendfsync always: the killed server comes back with every claim it acknowledged
		try (RedisStore store = RedisStore.start("--appendonly", "yes", "--appendfsync", "always")) {
			Map<String, String> properties = new HashMap<>(store.appProperties());
			properties.put("spring.data.redis.timeout", STORE_TIMEOUT.toMillis() + "ms");
			properties.put("spring.data.redis.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms");
			properties.put("idempotency.lease", LEASE.toSeconds() + "s");
			// the control runs in the same app, its completions switched to no-retry once both main outcomes are in
			// (so that nothing the control leaves behind, such as completions given up late, is counted in them)
			properties.put(BrokenSetting.PROPERTY, "none");
			try (ChildApp app = ChildApp.start("completion-outage", "redis", properties)) {
				Map<String, Outcome> outcomes = new LinkedHashMap<>();
				Map<String, Outcome> controls = new LinkedHashMap<>();
				for (String fault : List.of("frozen", "killed")) {
					outcomes.put(fault, failBeforeCompletion(app, store.server(), fault));
				}
				app.breakWith(BrokenSetting.NO_COMPLETION_RETRY);
				for (String fault : List.of("frozen", "killed")) {
					controls.put(fault, failBeforeCompletion(app, store.server(), fault));
				}
				outcomes.forEach((fault, outcome) -> FaultSuiteReport.add(new FaultSuiteReport.Row(
						"6 store fails before completion",
						fault.equals("frozen") ? "redis frozen" : "redis killed, restarted from its AOF",
						KEYS + " keys", outcome.figure(), outcome.passed() ? "PASS" : "FAIL: " + outcome.failure(),
						controlVerdict(fault, controls.get(fault)))));
				outcomes.forEach((fault, outcome) -> assertThat(outcome.passed()).as(fault + ": " + outcome.failure())
					.isTrue());
				// the killed server is the control's case: a thawed one runs the attempt it had queued (see below)
				assertThat(controls.get("killed").rerunKeys()).as("the control must run keys twice: "
						+ controls.get("killed").figure()).isPositive();
			}
		}
	}

	/**
	 * The control fails where a completion that is not retried is lost: after a kill. A frozen Redis, once thawed,
	 * runs the completion it had received before it froze, whose caller had given up on it, so the control's one
	 * attempt lands too; its row reports what happened without a verdict.
	 */
	private static String controlVerdict(String fault, Outcome control) {
		if (fault.equals("frozen")) {
			return "n/a: a thawed Redis runs the attempt it had queued, so one attempt lands (" + control.rerunKeys()
					+ " re-runs without retries)";
		}
		return (control.rerunKeys() > 0)
				? "failed as required: " + control.rerunKeys() + " of " + KEYS + " keys ran twice without completion "
						+ "retries (" + control.ledger() + " PSP calls)"
				: "PASSED (the suite fails: the control must fail): " + control.figure();
	}

	private static Outcome failBeforeCompletion(ChildApp app, RedisServerProcess server, String fault)
			throws Exception {
		CallHistory history = new CallHistory();
		Caller alice = new Caller(app, "alice", history);
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < KEYS; i++) {
			keys.add("completion-" + fault + "-" + UUID.randomUUID());
		}
		long ledgerBefore = alice.pspAttempts();
		long retriedBefore = count(FIRST_COMPLETION_RETRY, app.log());
		long storedBefore = count(STORED_AFTER_RETRIES, app.log());
		long fencedBefore = alice.fencedWritesMetric();
		long failedBefore = metric(alice, "idempotency_write_failures_total", "operation=\"complete\"");
		ExecutorService clients = Executors.newFixedThreadPool(2 * KEYS);
		try {
			Map<String, Future<CallRecord>> originals = new LinkedHashMap<>();
			for (String key : keys) {
				originals.put(key, clients.submit(() -> alice.pay(key, BODY)));
			}
			// every key is claimed and inside the PSP call
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> alice.pspAttempts() == ledgerBefore + KEYS);
			long faultAt = System.nanoTime();
			if (fault.equals("frozen")) {
				server.pause();
			}
			else {
				server.kill();
			}
			long recoveredAt;
			try {
				// every method returned and its completion failed at least once: each is being retried now
				await().atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(100))
					.until(() -> count(FIRST_COMPLETION_RETRY, app.log()) - retriedBefore >= KEYS);
				inParallel(clients, keys, (key) -> alice.pay(key, BODY));
			}
			finally {
				if (fault.equals("frozen")) {
					server.resume();
				}
				else {
					server.restart();
				}
				recoveredAt = System.nanoTime();
			}
			// after recovery: each duplicate is retried until it is not told to wait (409, 503) any more
			inParallel(clients, keys, (key) -> await().atMost(LEASE.multipliedBy(2).plusSeconds(30))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> alice.pay(key, BODY),
						(call) -> call.status() != 503 && call.status() != 409 && call.status() != 0));
			Map<String, CallRecord> first = new LinkedHashMap<>();
			for (Map.Entry<String, Future<CallRecord>> original : originals.entrySet()) {
				first.put(original.getKey(), original.getValue().get(90, TimeUnit.SECONDS));
			}
			List<CallRecord> duplicates = history.calls()
				.stream()
				.filter((call) -> !first.containsValue(call))
				.toList();
			long duringOutage = duplicates.stream()
				.filter((call) -> call.startNanos() >= faultAt && call.startNanos() < recoveredAt)
				.count();
			long unavailable = duplicates.stream()
				.filter((call) -> call.status() == 503 && StoreDownBeforeClaimScenario.STORE_UNAVAILABLE
					.equals(call.problemType()) && call.retryAfter() != null)
				.count();
			long conflicts = duplicates.stream().filter((call) -> call.status() == 409).count();
			long replays = duplicates.stream().filter(CallRecord::replayed).count();
			long rerunKeys = duplicates.stream().filter(CallRecord::isExecution).map(CallRecord::key).distinct().count();
			long originalsOk = first.values().stream().filter((call) -> call.status() == 201).count();
			HistoryChecker.Result check = HistoryChecker.check(history, false);
			return new Outcome(alice.pspAttempts() - ledgerBefore, originalsOk, duringOutage, unavailable, conflicts,
					replays, rerunKeys, count(FIRST_COMPLETION_RETRY, app.log()) - retriedBefore,
					count(STORED_AFTER_RETRIES, app.log()) - storedBefore, alice.fencedWritesMetric() - fencedBefore,
					metric(alice, "idempotency_write_failures_total", "operation=\"complete\"") - failedBefore, check);
		}
		finally {
			clients.shutdownNow();
		}
	}

	private static void inParallel(ExecutorService clients, List<String> keys,
			Consumer<String> call) throws Exception {
		List<Future<?>> calls = new ArrayList<>();
		for (String key : keys) {
			calls.add(clients.submit(() -> call.accept(key)));
		}
		for (Future<?> each : calls) {
			each.get(90, TimeUnit.SECONDS);
		}
	}

	private static long count(Pattern pattern, String log) {
		Matcher matcher = pattern.matcher(log);
		long count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	/** The sum of a Prometheus counter's series whose labels contain {@code labels}. */
	static long metric(Caller caller, String name, String labels) {
		double sum = 0;
		for (String line : caller.get("/actuator/prometheus").split("\n")) {
			if (line.startsWith(name + "{") && line.contains(labels)) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return (long) sum;
	}

	/**
	 * What one outage did.
	 *
	 * @param ledger PSP calls for the keys
	 * @param originalsOk first requests answered 201
	 * @param duringOutage duplicates sent while the store was down
	 * @param unavailable duplicates answered 503 store-unavailable with Retry-After
	 * @param conflicts duplicates answered 409
	 * @param replays duplicates answered a replay
	 * @param rerunKeys keys a duplicate ran again
	 * @param completionsRetried first completion attempts that failed and were retried
	 * @param storedAfterRetries completions stored by a retry
	 * @param fenced completions reported refused
	 * @param writeFailures completions given up
	 * @param check the history's check
	 */
	private record Outcome(long ledger, long originalsOk, long duringOutage, long unavailable, long conflicts,
			long replays, long rerunKeys, long completionsRetried, long storedAfterRetries, long fenced,
			long writeFailures, HistoryChecker.Result check) {

		boolean passed() {
			return this.ledger == KEYS && this.originalsOk == KEYS && this.rerunKeys == 0
					&& this.unavailable >= this.duringOutage && this.completionsRetried == KEYS
					&& this.storedAfterRetries == KEYS && this.fenced == 0 && this.writeFailures == 0
					&& this.check.passed() && this.check.executions() == KEYS;
		}

		String figure() {
			return this.completionsRetried + "/" + KEYS + " completions failed and were retried, "
					+ this.storedAfterRetries + "/" + KEYS + " stored after recovery (" + this.fenced
					+ " reported fenced, " + this.writeFailures + " given up); duplicates: " + this.unavailable
					+ " 503 with Retry-After (" + this.duringOutage + " sent during the outage), " + this.conflicts
					+ " 409, " + this.replays + " byte-identical replays, " + this.rerunKeys + " re-runs; "
					+ this.ledger + " PSP calls for " + KEYS + " keys";
		}

		String failure() {
			List<String> reasons = new ArrayList<>();
			if (this.ledger != KEYS || this.rerunKeys != 0) {
				reasons.add(this.ledger + " PSP calls, " + this.rerunKeys + " keys ran again");
			}
			if (this.originalsOk != KEYS) {
				reasons.add((KEYS - this.originalsOk) + " first requests not answered 201");
			}
			if (this.unavailable < this.duringOutage) {
				reasons.add("duplicates during the outage not all answered 503 with Retry-After");
			}
			if (this.storedAfterRetries != KEYS || this.fenced != 0 || this.writeFailures != 0) {
				reasons.add("completions stored after a retry " + this.storedAfterRetries + ", reported fenced "
						+ this.fenced + ", given up " + this.writeFailures);
			}
			reasons.addAll(this.check.violations());
			return reasons.isEmpty() ? "" : String.join("; ", reasons);
		}

	}

}
