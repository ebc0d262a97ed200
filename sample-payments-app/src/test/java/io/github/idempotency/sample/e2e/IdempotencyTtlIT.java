package io.github.idempotency.sample.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code idempotency.ttl=2s}, a finished payment is replayed for two seconds and then runs again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyTtlIT {

	private RunningApp app;

	@BeforeAll
	void startApp() {
		this.app = RunningApp.start(null, Map.of("idempotency.ttl", "2s"));
	}

	@AfterAll
	void stopApp() {
		this.app.close();
	}

	@Test
	void keyExecutesAgainOnceItsTtlHasPassed() {
		ApiClient alice = ApiClient.as(this.app, "alice");
		String key = UUID.randomUUID().toString();
		long attempts = alice.pspAttempts();
		long started = System.nanoTime();
		assertThat(alice.post("/payments", key, AbstractPaymentsEndToEndIT.COFFEE).statusCode()).isEqualTo(201);
		HttpResponse<String> replay = alice.post("/payments", key, AbstractPaymentsEndToEndIT.COFFEE);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		HttpResponse<String> again = await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> alice.post("/payments", key, AbstractPaymentsEndToEndIT.COFFEE),
					(response) -> response.headers().firstValue("Idempotent-Replayed").isEmpty());
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		assertThat(again.statusCode()).isEqualTo(201);
		assertThat(alice.pspAttempts()).isEqualTo(attempts + 2);
	}

}
