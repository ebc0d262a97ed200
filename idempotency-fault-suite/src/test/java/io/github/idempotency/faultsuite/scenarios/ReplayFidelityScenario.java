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
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.stores.RedisStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 10, replay fidelity with non-deterministic responses: the test-only receipt endpoint answers each
 * execution with a new random id and {@code Location}, the time of issue, an {@code ETag}, a session cookie and
 * non-ASCII text under {@code Content-Type: application/json;charset=UTF-8}. 100 replays of one key return the first
 * response's status, body bytes, {@code Content-Type} (its charset included), {@code Location} and {@code ETag},
 * each marked {@code Idempotent-Replayed}, and none carries {@code Set-Cookie}. A second key's execution must differ
 * from the first in its body, {@code ETag} and cookie, or the comparison would prove nothing.
 */
class ReplayFidelityScenario {

	private static final int REPLAYS = 100;

	private static final List<String> REPLAYED_HEADERS = List.of("Content-Type", "Location", "ETag");

	private static final String ORDER = """
			{"sku": "fidelity-\u00e9\u20ac", "qty": 2}""";

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void everyReplayIsTheFirstResponseByteForByte() throws Exception {
		try (RedisStore store = RedisStore.shared(); ChildApp app = SharedApps.of(store)) {
			String key = "fidelity-" + UUID.randomUUID();
			HttpResponse<byte[]> first = issue(app, key);
			HttpResponse<byte[]> other = issue(app, "fidelity-" + UUID.randomUUID());
			boolean nonDeterministic = first.statusCode() == 201 && other.statusCode() == 201
					&& !Arrays.equals(first.body(), other.body())
					&& !header(first, "ETag").equals(header(other, "ETag"))
					&& !header(first, "Set-Cookie").isEmpty()
					&& !header(first, "Set-Cookie").equals(header(other, "Set-Cookie"))
					&& header(first, "Content-Type").toLowerCase(Locale.ROOT).contains("charset=utf-8");
			List<String> differences = new ArrayList<>();
			int withCookie = 0;
			for (int i = 0; i < REPLAYS; i++) {
				HttpResponse<byte[]> replay = issue(app, key);
				boolean same = replay.statusCode() == first.statusCode() && Arrays.equals(replay.body(), first.body())
						&& REPLAYED_HEADERS.stream().allMatch((name) -> header(replay, name).equals(header(first, name)))
						&& header(replay, "Idempotent-Replayed").equals("true");
				if (!same) {
					differences.add("replay " + i + ": " + replay.statusCode() + " " + header(replay, "Content-Type")
							+ " " + header(replay, "ETag") + " " + header(replay, "Location"));
				}
				if (replay.headers().firstValue("Set-Cookie").isPresent()) {
					withCookie++;
				}
			}
			boolean passed = nonDeterministic && differences.isEmpty() && withCookie == 0;
			FaultSuiteReport.add(new FaultSuiteReport.Row("10 replay fidelity", "redis", REPLAYS + " replays",
					(REPLAYS - differences.size()) + "/" + REPLAYS + " identical in status, body bytes, Content-Type "
							+ header(first, "Content-Type") + ", Location and ETag; Set-Cookie replayed " + withCookie
							+ " times; a second key's execution differed in id, time, ETag and cookie: "
							+ nonDeterministic,
					passed ? "PASS" : "FAIL: " + differences.stream().limit(2).toList(), "n/a"));
			assertThat(nonDeterministic).as("the endpoint must answer each execution differently: %s / %s",
					new String(first.body(), StandardCharsets.UTF_8), new String(other.body(), StandardCharsets.UTF_8))
				.isTrue();
			assertThat(differences).isEmpty();
			assertThat(withCookie).isZero();
		}
	}

	private static HttpResponse<byte[]> issue(ChildApp app, String key) throws Exception {
		String authorization = "Basic "
				+ Base64.getEncoder().encodeToString("alice:alice-secret".getBytes(StandardCharsets.UTF_8));
		return http.send(HttpRequest.newBuilder(app.uri("/fault-suite/receipts"))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", authorization)
			.header("Content-Type", "application/json; charset=UTF-8")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(ORDER, StandardCharsets.UTF_8))
			.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private static String header(HttpResponse<?> response, String name) {
		return response.headers().firstValue(name).orElse("");
	}

}
