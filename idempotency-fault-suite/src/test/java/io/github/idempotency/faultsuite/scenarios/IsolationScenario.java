package io.github.idempotency.faultsuite.scenarios;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.faultsuite.broken.BrokenSetting;
import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.CallRecord;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.HistoryChecker;
import io.github.idempotency.faultsuite.harness.SuiteConfiguration;
import io.github.idempotency.faultsuite.stores.RedisStore;
import io.github.idempotency.faultsuite.stores.StoreDatabase;
import io.github.idempotency.faultsuite.stores.StoreUnderTest;
import io.github.idempotency.faultsuite.stores.Stores;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 12, isolation: alice and bob send the same key and body at the same moment, over many trials, on Redis,
 * PostgreSQL and MariaDB. Both execute; bob never receives alice's response bytes, never a replay, never a 409 or
 * 422; and the store holds neither a raw key nor a user name: every Redis key and value, or every column of every
 * row of the JPA store's table, inspected. The control runs the same against keys without a user scope, where bob
 * must receive alice's records.
 */
class IsolationScenario {

	private static final String BODY = """
			{"amount": 990, "currency": "EUR", "description": "same key, two users"}""";

	private static final int CLIENTS = 8;

	private static final int CONTROL_TRIALS = 50;

	private static final List<String> USERS = List.of("alice", "bob");

	// the JPA store's default table
	private static final String RECORD_TABLE = "idempotency_record";

	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis", "postgresql", "mariadb" })
	void aliceAndBobWithOneKeyBothExecuteAndNeverSeeEachOther(String storeName) throws Exception {
		int trials = SuiteConfiguration.current().isolationTrials();
		try (StoreUnderTest store = Stores.start(storeName)) {
			Outcome outcome;
			Inspection inspection;
			Outcome control;
			// the control runs in the same (shared) app, its keys switched to unscoped once the main trials are
			// done; the store was emptied for this scenario, so that its contents are this scenario's records
			try (ChildApp app = SharedApps.of(store)) {
				outcome = trials(app, trials);
				inspection = inspect(store, outcome.keys());
				app.breakWith(BrokenSetting.UNSCOPED_KEY);
				control = trials(app, CONTROL_TRIALS);
			}
			// every execution leaves a record: fewer read would mean the inspection missed some
			boolean inspectedAll = inspection.records() >= 2L * trials;
			boolean passed = outcome.passed(trials) && inspection.leaks().isEmpty() && inspectedAll;
			FaultSuiteReport.add(new FaultSuiteReport.Row("12 isolation", store.name(), trials + " trials",
					outcome.ledger() + " executions for " + (2 * trials) + " requests; bob answered alice's bytes "
							+ outcome.bobGotAlice() + " times, 409/422 " + outcome.bobRefused()
							+ " times; raw keys or user names in " + inspection.where() + ": "
							+ inspection.leaks().size() + " (" + inspection.records() + " records inspected)",
					passed ? "PASS"
							: "FAIL: " + outcome.check().violations() + " " + inspection.leaks()
									+ (inspectedAll ? "" : " only " + inspection.records() + " records found"),
					control.passed(CONTROL_TRIALS) ? "PASSED (the suite fails: the control must fail)"
							: "failed as required: " + control.ledger() + " executions for " + (2 * CONTROL_TRIALS)
									+ " requests; bob got alice's response " + control.bobGotAlice() + " times and "
									+ "409/422 " + control.bobRefused() + " times in " + CONTROL_TRIALS + " trials"));
			assertThat(inspection.leaks()).isEmpty();
			assertThat(inspection.records()).as("records inspected").isGreaterThanOrEqualTo(2L * trials);
			assertThat(outcome.passed(trials)).as(outcome.toString()).isTrue();
			assertThat(control.passed(CONTROL_TRIALS)).as("the unscoped control must fail: " + control).isFalse();
		}
	}

	private static Outcome trials(ChildApp app, int trials) throws Exception {
		CallHistory history = new CallHistory();
		Caller alice = new Caller(app, "alice", history);
		Caller bob = new Caller(app, "bob", history);
		long ledgerBefore = alice.pspAttempts();
		List<String> keys = new ArrayList<>();
		int bobGotAlice = 0;
		int bobRefused = 0;
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<CallRecord[]>> pairs = new ArrayList<>();
			for (int i = 0; i < trials; i++) {
				String key = "iso-" + UUID.randomUUID();
				keys.add(key);
				pairs.add(clients.submit(() -> pair(alice, bob, key)));
			}
			for (Future<CallRecord[]> each : pairs) {
				CallRecord[] pair = each.get(90, TimeUnit.SECONDS);
				if (pair[1].bodyHash().equals(pair[0].bodyHash()) || pair[1].replayed()) {
					bobGotAlice++;
				}
				if (pair[1].status() == 409 || pair[1].status() == 422) {
					bobRefused++;
				}
			}
		}
		finally {
			clients.shutdownNow();
		}
		return new Outcome(keys, alice.pspAttempts() - ledgerBefore, bobGotAlice, bobRefused,
				HistoryChecker.check(history, true));
	}

	// both users' requests released together, so that bob's claim races alice's on the same key
	private static CallRecord[] pair(Caller alice, Caller bob, String key) throws Exception {
		CountDownLatch gate = new CountDownLatch(1);
		CallRecord[] pair = new CallRecord[2];
		Thread bobThread = new Thread(() -> {
			try {
				gate.await();
				pair[1] = bob.pay(key, BODY);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		bobThread.start();
		gate.countDown();
		pair[0] = alice.pay(key, BODY);
		bobThread.join(90_000);
		return pair;
	}

	/**
	 * Every record the store holds, read from the suite's side: each Redis key and its value, or each column of
	 * each row of the JPA store's table.
	 */
	private static Inspection inspect(StoreUnderTest store, List<String> keys) {
		if (store instanceof RedisStore redis) {
			Map<String, String> contents = redis.contents();
			List<String> leaks = new ArrayList<>();
			contents.forEach((redisKey, value) -> {
				// the hash tag is a digest in base64url, where a short name turns up by chance (1 key in about
				// 4,000 holds "bob"), as it does in the value's binary digest: a name stored as text stands alone
				String keyOutsideDigest = redisKey.replaceAll("\\{[^}]*}", "{}");
				String text = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
				for (String user : USERS) {
					if (keyOutsideDigest.contains(user) || standsAlone(text, user)) {
						leaks.add(user + " in " + redisKey);
					}
				}
				for (String key : keys) {
					if (redisKey.contains(key) || text.contains(key)) {
						leaks.add(key + " in " + redisKey);
					}
				}
			});
			return new Inspection("Redis", contents.size(), leaks);
		}
		List<Map<String, String>> rows = StoreDatabase.of(store).rows(RECORD_TABLE);
		List<String> leaks = new ArrayList<>();
		for (Map<String, String> row : rows) {
			// every column is hex (key, owner, fingerprint), a state, a time, a status, or the stored response
			// (headers, body): none holds a user name as a whole word by chance
			row.forEach((column, text) -> leaks.addAll(leaksIn(RECORD_TABLE + "." + column + " of " + row.get("id"),
					text, keys)));
		}
		return new Inspection(RECORD_TABLE, rows.size(), leaks);
	}

	// a user name as a whole word, or a raw key anywhere
	private static List<String> leaksIn(String where, String text, List<String> keys) {
		List<String> leaks = new ArrayList<>();
		for (String user : USERS) {
			if (standsAlone(text, user)) {
				leaks.add(user + " in " + where);
			}
		}
		for (String key : keys) {
			if (text.contains(key)) {
				leaks.add(key + " in " + where);
			}
		}
		return leaks;
	}

	private static boolean standsAlone(String text, String word) {
		for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
			int end = at + word.length();
			if ((at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1)))
					&& (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * What the inspection of a store found.
	 *
	 * @param where what was read: Redis, or the table
	 * @param records the records read (Redis keys, table rows)
	 * @param leaks each user name or raw key found, and where
	 */
	private record Inspection(String where, long records, List<String> leaks) {
	}

	private record Outcome(List<String> keys, long ledger, int bobGotAlice, int bobRefused,
			HistoryChecker.Result check) {

		boolean passed(int trials) {
			return this.ledger == 2L * trials && this.bobGotAlice == 0 && this.bobRefused == 0 && this.check.passed();
		}

		@Override
		public String toString() {
			return "ledger " + this.ledger + ", bob got alice's " + this.bobGotAlice + ", bob refused "
					+ this.bobRefused + ", " + this.check.violations();
		}

	}

}
