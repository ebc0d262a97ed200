package io.github.idempotency.faultsuite.scenarios;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.stores.RedisStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 10, replay fidelity: a payment's response carries values that differ on every execution (a random id, a
 * {@code Location} built from it). 100 replays return the same status, the same
 * body bytes and the same {@code Content-Type} and {@code Location}, each marked {@code Idempotent-Replayed}, and
 * none carries {@code Set-Cookie}.
 */
class ReplayFidelityScenario {

	private static final int REPLAYS = 100;

	private static final String BODY = """
			{"amount": 2500, "currency": "EUR", "description": "fidelity \u00e9\u20ac"}""";

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void everyReplayIsTheFirstResponseByteForByte() throws Exception {
		try (RedisStore store = RedisStore.shared(); ChildApp app = SharedApps.of(store)) {
			String key = "fidelity-" + UUID.randomUUID();
			HttpResponse<byte[]> first = pay(app, key);
			List<String> differences = new ArrayList<>();
			int withCookie = 0;
			for (int i = 0; i < REPLAYS; i++) {
				HttpResponse<byte[]> replay = pay(app, key);
				if (replay.statusCode() != first.statusCode() || !Arrays.equals(replay.body(), first.body())
						|| !header(replay, "Content-Type").equals(header(first, "Content-Type"))
						|| !header(replay, "Location").equals(header(first, "Location"))
						|| !header(replay, "Idempotent-Replayed").equals("true")) {
					differences.add("replay " + i + ": " + replay.statusCode() + " " + header(replay, "Content-Type")
							+ " " + header(replay, "Location"));
				}
				if (replay.headers().firstValue("Set-Cookie").isPresent()) {
					withCookie++;
				}
			}
			boolean passed = first.statusCode() == 201 && differences.isEmpty() && withCookie == 0;
			FaultSuiteReport.add(new FaultSuiteReport.Row("10 replay fidelity", "redis", REPLAYS + " replays",
					(REPLAYS - differences.size()) + "/" + REPLAYS + " identical in status, body bytes, "
							+ header(first, "Content-Type") + " and Location; Set-Cookie replayed " + withCookie
							+ " times",
					passed ? "PASS" : "FAIL: " + differences.stream().limit(2).toList(), "n/a"));
			assertThat(first.statusCode()).isEqualTo(201);
			assertThat(differences).isEmpty();
			assertThat(withCookie).isZero();
		}
	}

	private static HttpResponse<byte[]> pay(ChildApp app, String key) throws Exception {
		String authorization = "Basic "
				+ Base64.getEncoder().encodeToString("alice:alice-secret".getBytes(StandardCharsets.UTF_8));
		return http.send(HttpRequest.newBuilder(app.uri("/payments"))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", authorization)
			.header("Content-Type", "application/json; charset=UTF-8")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(BODY, StandardCharsets.UTF_8))
			.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private static String header(HttpResponse<?> response, String name) {
		return response.headers().firstValue(name).orElse("");
	}

}
