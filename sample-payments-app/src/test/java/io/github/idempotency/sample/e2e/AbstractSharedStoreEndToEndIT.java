package io.github.idempotency.sample.e2e;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end behaviour for a store that several instances share: on top of the single-instance cases, duplicates
 * spread over two instances charge once in total.
 */
abstract class AbstractSharedStoreEndToEndIT extends AbstractPaymentsEndToEndIT {

	@Test
	void concurrentDuplicatesOverTwoInstancesChargeOnce() throws Exception {
		try (RunningApp second = startApp(Map.of())) {
			ApiClient aliceOnFirst = this.alice;
			ApiClient aliceOnSecond = ApiClient.as(second, "alice");
			String key = newKey();
			String slow = """
					{"amount": 900, "currency": "EUR", "description": "two-instances", "simulate": "slow", "delayMs": 300}""";
			long attempts = aliceOnFirst.pspAttempts() + aliceOnSecond.pspAttempts();
			List<HttpResponse<String>> responses = inParallel(40,
					(i) -> () -> ((i % 2 == 0) ? aliceOnFirst : aliceOnSecond).post("/payments", key, slow));
			assertThat(responses).extracting(HttpResponse::statusCode).isSubsetOf(201, 409).contains(201);
			assertThat(aliceOnFirst.pspAttempts() + aliceOnSecond.pspAttempts()).isEqualTo(attempts + 1);
			HttpResponse<String> replayOnSecond = aliceOnSecond.post("/payments", key, slow);
			assertThat(replayOnSecond.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		}
	}

}
