package io.github.idempotency.faultsuite.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.CallRecord;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.SuiteConfiguration;
import io.github.idempotency.faultsuite.stores.RedisStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 9, payload. A key sent again with another body answers 422 {@code mismatch} in every case: after a
 * stored success, after a stored client error, and while the first request still runs (before and after a
 * same-body duplicate was told 409). Then random JSON payments, each sent three times with one key: the document, a
 * twin (the same document with members reordered at every depth, other whitespace, escapes and number spellings)
 * that must be a replay, and a mutant (one change of meaning somewhere) that must answer 422.
 * <p>
 * Control: the same random bodies with {@code idempotency.fingerprint=bytes}, where twins must mismatch: it shows
 * that the twins really are written differently.
 */
class PayloadScenario {

	static final String MISMATCH = "https://idempotency.github.io/problems/key-mismatch";

	private static final int CONTROL_BODIES = 100;

	private static final int CASE_REPEATS = 5;

	private static final int CLIENTS = 8;

	private static final String PAID = """
			{"amount": 1100, "currency": "EUR", "description": "payload"}""";

	private static final String PAID_OTHERWISE = """
			{"amount": 1101, "currency": "EUR", "description": "payload"}""";

	private static final String DECLINED = """
			{"amount": 1200, "currency": "EUR", "description": "payload", "simulate": "decline"}""";

	private static final String DECLINED_OTHERWISE = """
			{"amount": 1200, "currency": "EUR", "description": "payload", "simulate": "decline", "x": 1}""";

	private static final String SLOW = """
			{"amount": 1300, "currency": "EUR", "description": "payload", "simulate": "slow", "delayMs": 4000}""";

	private static final String SLOW_REORDERED = """
			{"delayMs": 4000, "simulate": "slow", "description": "payload", "currency": "EUR", "amount": 1300}""";

	private static final String SLOW_OTHERWISE = """
			{"amount": 1300, "currency": "EUR", "description": "payload", "simulate": "slow", "delayMs": 4001}""";

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void everyMismatchAnswers422AndNoTwinEverMismatches() throws Exception {
		long seed = System.nanoTime();
		int bodyCount = SuiteConfiguration.current().payloadBodies();
		try (RedisStore store = RedisStore.shared()) {
			Map<String, String> cases;
			Bodies bodies;
			try (ChildApp app = SharedApps.of(store)) {
				Caller alice = new Caller(app, "alice", new CallHistory());
				cases = mismatchCases(alice);
				bodies = randomBodies(alice, bodyCount, new Random(seed));
			}
			Map<String, String> bytes = new HashMap<>(store.appProperties());
			bytes.put("idempotency.fingerprint", "bytes");
			Bodies control;
			try (ChildApp app = ChildApp.start("payload-control", store.profile(), bytes)) {
				control = randomBodies(new Caller(app, "alice", new CallHistory()), CONTROL_BODIES, new Random(seed));
			}
			long casesPassed = cases.values().stream().filter("422"::equals).count();
			boolean passed = casesPassed == cases.size() && bodies.passed();
			FaultSuiteReport.add(new FaultSuiteReport.Row("9 payload", "redis",
					cases.size() + " cases x " + CASE_REPEATS + ", " + bodyCount + " bodies",
					"key-mismatch 422 in " + casesPassed + "/" + cases.size() + " cases (" + String.join(", ",
							cases.keySet()) + "); " + bodies.describe() + " (seed " + seed + ")",
					passed ? "PASS" : "FAIL: " + failedCases(cases) + " " + bodies.failures(),
					(control.twinsMismatched() == 0)
							? "PASSED (the suite fails: the control must fail): no twin mismatched with fingerprint bytes"
							: "failed as required: fingerprint bytes, twins mismatched " + control.twinsMismatched()
									+ "/" + CONTROL_BODIES));
			assertThat(failedCases(cases)).isEmpty();
			assertThat(bodies.failures()).isEmpty();
			assertThat(bodies.passed()).as(bodies.describe()).isTrue();
			assertThat(control.twinsMismatched()).as("twins must differ in their bytes").isPositive();
		}
	}

	/**
	 * Each case's worst answer to a body other than the key's first: {@code 422} when every repeat answered 422
	 * mismatch, else the first other answer.
	 */
	private static Map<String, String> mismatchCases(Caller alice) throws Exception {
		Map<String, String> cases = new LinkedHashMap<>();
		cases.put("after a stored success", repeat(() -> {
			String key = "payload-" + UUID.randomUUID();
			require(alice.pay(key, PAID), 201);
			return alice.pay(key, PAID_OTHERWISE);
		}));
		cases.put("after a stored client error", repeat(() -> {
			String key = "payload-" + UUID.randomUUID();
			require(alice.pay(key, DECLINED), 402);
			return alice.pay(key, DECLINED_OTHERWISE);
		}));
		cases.put("while the first runs", repeat(() -> {
			String key = "payload-" + UUID.randomUUID();
			long attempts = alice.pspAttempts();
			CompletableFuture<CallRecord> first = CompletableFuture.supplyAsync(() -> alice.pay(key, SLOW));
			// the first is inside the PSP call: its reordered twin is told 409, the other body 422
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> alice.pspAttempts() > attempts);
			require(alice.pay(key, SLOW_REORDERED), 409);
			CallRecord other = alice.pay(key, SLOW_OTHERWISE);
			if (first.isDone()) {
				throw new IllegalStateException("the first request ended before the mismatch was sent");
			}
			require(first.get(60, TimeUnit.SECONDS), 201);
			return other;
		}));
		cases.put("after the slow one ran", repeat(() -> {
			String key = "payload-" + UUID.randomUUID();
			require(alice.pay(key, SLOW), 201);
			return alice.pay(key, SLOW_OTHERWISE);
		}));
		return cases;
	}

	private static String repeat(java.util.concurrent.Callable<CallRecord> mismatch) throws Exception {
		for (int i = 0; i < CASE_REPEATS; i++) {
			CallRecord answer = mismatch.call();
			if (answer.status() != 422 || !MISMATCH.equals(answer.problemType())) {
				return answer.status() + " " + answer.problemType();
			}
		}
		return "422";
	}

	private static void require(CallRecord call, int status) {
		if (call.status() != status) {
			throw new IllegalStateException("expected " + status + ", got " + call.status() + " " + call.problemType());
		}
	}

	private static List<String> failedCases(Map<String, String> cases) {
		return cases.entrySet()
			.stream()
			.filter((entry) -> !entry.getValue().equals("422"))
			.map((entry) -> entry.getKey() + " answered " + entry.getValue())
			.toList();
	}

	private static Bodies randomBodies(Caller alice, int count, Random random) throws Exception {
		// the documents are drawn on this thread, so that a seed gives the same bodies
		List<String[]> triples = new ArrayList<>();
		RandomJson json = new RandomJson(random);
		for (int i = 0; i < count; i++) {
			Map<String, Object> document = json.payment("payload-" + i);
			triples.add(new String[] { "payload-" + UUID.randomUUID(), json.write(document), json.write(document),
					json.write(json.mutant(document)) });
		}
		AtomicInteger firstsNot201 = new AtomicInteger();
		AtomicInteger twinsReplayed = new AtomicInteger();
		AtomicInteger twinsMismatched = new AtomicInteger();
		AtomicInteger mutantsMismatched = new AtomicInteger();
		AtomicInteger mutantsMatched = new AtomicInteger();
		List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<?>> calls = new ArrayList<>();
			for (String[] triple : triples) {
				calls.add(clients.submit(() -> {
					String key = triple[0];
					CallRecord first = alice.pay(key, triple[1]);
					CallRecord twin = alice.pay(key, triple[2]);
					CallRecord mutant = alice.pay(key, triple[3]);
					if (first.status() != 201) {
						firstsNot201.incrementAndGet();
						failures.add("first " + first.status() + " " + first.problemType() + " for " + triple[1]);
					}
					if (twin.replayed() && twin.status() == first.status() && twin.bodyHash().equals(first.bodyHash())) {
						twinsReplayed.incrementAndGet();
					}
					else if (twin.status() == 422) {
						twinsMismatched.incrementAndGet();
						failures.add("twin mismatched: " + triple[1] + " and " + triple[2]);
					}
					else {
						failures.add("twin answered " + twin.status() + " " + twin.problemType() + ": " + triple[2]);
					}
					if (mutant.status() == 422 && MISMATCH.equals(mutant.problemType())) {
						mutantsMismatched.incrementAndGet();
					}
					else {
						if (mutant.replayed()) {
							mutantsMatched.incrementAndGet();
						}
						failures.add("mutant answered " + mutant.status() + " " + mutant.problemType() + ": "
								+ triple[1] + " and " + triple[3]);
					}
				}));
			}
			for (Future<?> call : calls) {
				call.get(90, TimeUnit.SECONDS);
			}
		}
		finally {
			clients.shutdownNow();
		}
		return new Bodies(count, firstsNot201.get(), twinsReplayed.get(), twinsMismatched.get(),
				mutantsMismatched.get(), mutantsMatched.get(),
				failures.stream().limit(3).map(PayloadScenario::shortened).toList());
	}

	// whole code points, so that a character outside the BMP is never cut in half
	private static String shortened(String text) {
		return (text.codePointCount(0, text.length()) <= 300) ? text
				: text.codePoints()
					.limit(300)
					.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "...";
	}

	/**
	 * What the random bodies measured.
	 *
	 * @param count bodies sent
	 * @param firstsNot201 first requests that did not execute as a payment
	 * @param twinsReplayed twins answered the first response as a replay
	 * @param twinsMismatched twins answered 422
	 * @param mutantsMismatched mutants answered 422 mismatch
	 * @param mutantsMatched mutants answered a replay
	 * @param failures the first few failures
	 */
	private record Bodies(int count, int firstsNot201, int twinsReplayed, int twinsMismatched, int mutantsMismatched,
			int mutantsMatched, List<String> failures) {

		boolean passed() {
			return this.firstsNot201 == 0 && this.twinsReplayed == this.count && this.twinsMismatched == 0
					&& this.mutantsMismatched == this.count && this.mutantsMatched == 0;
		}

		String describe() {
			return "random bodies: twins replayed " + this.twinsReplayed + "/" + this.count + ", mismatched "
					+ this.twinsMismatched + "; other bodies answered 422 " + this.mutantsMismatched + "/" + this.count
					+ ", matched " + this.mutantsMatched;
		}

	}

}
