package io.github.idempotency.faultsuite.scenarios;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.RawHttp;
import io.github.idempotency.faultsuite.stores.RedisStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 13, key validation: an empty key, 256 characters, a control character, non-ASCII, two headers and a
 * folded header each answer 400, and nothing is written to Redis or charged (both counted). A valid key, sent last,
 * shows that the counters do see a write.
 * <p>
 * Every case the application sees answers the {@code invalid-key} problem type. A control character inside a header
 * never reaches the application: the server's HTTP parser refuses the request with its own 400 (RFC 9110 forbids
 * control characters in field values), before any filter runs, so that case is held to the status and to nothing
 * written. A folded header is the combined field value {@code first, second} (how a proxy folds two headers into
 * one); the obsolete line folding of RFC 9112 is not a case, because a server must either refuse it or replace it
 * with a space, and the key {@code "folded continued"} that results is a valid key.
 */
class KeyValidationScenario {

	static final String INVALID_KEY = "https://idempotency.github.io/problems/invalid-key";

	private static final String BODY = """
			{"amount": 300, "currency": "EUR", "description": "key validation"}""";

	private static final int REPEATS = 3;

	/** The case the server's HTTP parser answers before the application sees the request. */
	private static final String REFUSED_BY_THE_SERVER = "control character";

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void everyMalformedKeyAnswers400WithOneProblemTypeAndWritesNothing() {
		Map<String, String> cases = new LinkedHashMap<>();
		cases.put("empty", "Idempotency-Key: \r\n");
		cases.put("256 characters", "Idempotency-Key: " + "k".repeat(256) + "\r\n");
		cases.put("control character", "Idempotency-Key: abc\u0001def\r\n");
		cases.put("non-ASCII", "Idempotency-Key: cl\u00e9-\u20ac\r\n");
		cases.put("two headers", "Idempotency-Key: first\r\nIdempotency-Key: second\r\n");
		cases.put("folded header", "Idempotency-Key: first, second\r\n");
		try (RedisStore store = RedisStore.shared(); ChildApp app = SharedApps.of(store)) {
			Caller alice = new Caller(app, "alice", new CallHistory());
			int keysBefore = store.keys().size();
			long ledgerBefore = alice.pspAttempts();
			List<String> failures = new ArrayList<>();
			for (Map.Entry<String, String> each : cases.entrySet()) {
				for (int i = 0; i < REPEATS; i++) {
					RawHttp.Answer answer = RawHttp.postPayment(app, "alice",
							each.getValue().getBytes(StandardCharsets.UTF_8), BODY);
					boolean refusedByTheServer = each.getKey().equals(REFUSED_BY_THE_SERVER);
					if (answer.status() != 400 || !(refusedByTheServer || INVALID_KEY.equals(answer.problemType()))) {
						failures.add(each.getKey() + " answered " + answer.status() + " " + answer.problemType());
						break;
					}
				}
			}
			int keysAfter = store.keys().size();
			long ledgerAfter = alice.pspAttempts();
			int written = keysAfter - keysBefore;
			long charged = ledgerAfter - ledgerBefore;
			RawHttp.Answer valid = RawHttp.postPayment(app, "alice",
					("Idempotency-Key: valid-" + UUID.randomUUID() + "\r\n").getBytes(StandardCharsets.US_ASCII),
					BODY);
			boolean countersSeeWrites = valid.status() == 201 && store.keys().size() == keysAfter + 1
					&& alice.pspAttempts() == ledgerAfter + 1;
			boolean passed = failures.isEmpty() && written == 0 && charged == 0 && countersSeeWrites;
			FaultSuiteReport.add(new FaultSuiteReport.Row("13 key validation", "redis",
					cases.size() + " cases x " + REPEATS,
					(cases.size() - failures.size()) + "/" + cases.size() + " cases 400 (invalid-key, or the server's "
									+ "own for a " + REFUSED_BY_THE_SERVER + "); " + written
							+ " records written, " + charged + " charges; a valid key writes: " + countersSeeWrites,
					passed ? "PASS" : "FAIL: " + failures, "n/a (the valid key shows the counters see a write)"));
			assertThat(failures).isEmpty();
			assertThat(written).isZero();
			assertThat(charged).isZero();
			assertThat(countersSeeWrites).isTrue();
		}
	}

}
