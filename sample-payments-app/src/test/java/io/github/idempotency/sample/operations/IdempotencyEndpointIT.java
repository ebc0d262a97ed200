package io.github.idempotency.sample.operations;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.github.idempotency.sample.LocalSampleApp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/idempotency} as an operator uses it: over the sample app's real HTTP exposure, with its security
 * on. Only {@code admin} may use it; the record delete is fenced by the version the operator read.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "idempotency.store=memory")
class IdempotencyEndpointIT {

	private static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\", \"description\": \"coffee\"}";

	private static final String PROBLEM_BASE = "https://idempotency.github.io/problems/";

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	private LocalSampleApp app;

	@BeforeEach
	void connect() {
		this.app = new LocalSampleApp(this.port);
	}

	@Test
	void onlyTheOperatorMayReadOrDelete() {
		String someId = "0".repeat(64);
		assertThat(this.app.send("GET", "/actuator/idempotency", "admin").statusCode()).isEqualTo(200);
		for (String user : new String[] { "alice", "bob" }) {
			assertThat(this.app.send("GET", "/actuator/idempotency", user).statusCode()).as(user).isEqualTo(403);
			assertThat(this.app.send("DELETE", "/actuator/idempotency/" + someId + "?force=true", user).statusCode())
				.as(user)
				.isEqualTo(403);
		}
		assertThat(this.app.send("GET", "/actuator/idempotency", null).statusCode()).isEqualTo(401);
	}

	@Test
	void reportListsTheConfiguredEndpointsAndTheStore() {
		JsonNode report = body(this.app.send("GET", "/actuator/idempotency", "admin"));
		assertThat(report.at("/store/name").asString()).isEqualTo("memory");
		JsonNode payments = endpoint(report, "payments");
		assertThat(payments.at("/operations/0").asString()).isEqualTo("POST /payments");
		assertThat(payments.at("/store").asString()).isEqualTo("memory");
		assertThat(payments.at("/ttl").asString()).isEqualTo("PT24H");
		assertThat(payments.at("/lease").asString()).isEqualTo("PT30S");
		assertThat(payments.at("/onConflict").asString()).isEqualTo("reject");
		assertThat(payments.at("/keySource").asString()).isEqualTo("header");
		assertThat(payments.at("/scope").asString()).isEqualTo("principal");
		JsonNode transitions = endpoint(report, "order-transitions");
		assertThat(transitions.at("/operations/0").asString()).isEqualTo("POST /orders/{id}/transitions");
		assertThat(transitions.at("/ttl").asString()).isEqualTo("PT168H");
		assertThat(transitions.at("/onConflict").asString()).isEqualTo("wait");
		assertThat(transitions.at("/keySource").asString()).isEqualTo("expression");
		assertThat(transitions.at("/scope").asString()).isEqualTo("global");
	}

	@Test
	void runningExecutionIsShownAndADeleteFencedByAnOldVersionIsRefusedWhileTheCurrentOneUnblocksTheKey()
			throws Exception {
		String key = UUID.randomUUID().toString();
		int attemptsBefore = pspAttempts();
		// long enough that the operator reads the record while the payment still runs, even on a loaded machine
		CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> this.app.payment(key,
				PAYMENT.replace("}", ", \"simulate\": \"slow\", \"delayMs\": 8000}")));
		JsonNode execution = await().atMost(Duration.ofSeconds(20))
			.until(() -> execution("payments"), (found) -> found != null);
		assertThat(execution.at("/id").asString()).hasSize(64);
		assertThat(execution.at("/renewals").asInt()).isZero();
		assertThat(Duration.parse(execution.at("/age").asString()).isNegative()).isFalse();
		String id = execution.at("/id").asString();

		JsonNode ongoing = body(this.app.send("GET", "/actuator/idempotency/" + id, "admin"));
		assertThat(ongoing.at("/state").asString()).isEqualTo("ONGOING");
		String ongoingVersion = ongoing.at("/version").asString();

		HttpResponse<String> paid = slow.get();
		assertThat(paid.statusCode()).isEqualTo(201);

		// the payment completed since the operator read the record: the delete they decided on no longer applies
		HttpResponse<String> stale = this.app.send("DELETE",
				"/actuator/idempotency/" + id + "?version=" + ongoingVersion, "admin");
		assertThat(stale.statusCode()).isEqualTo(409);
		assertThat(stale.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode changed = body(stale);
		assertThat(changed.at("/type").asString()).isEqualTo(PROBLEM_BASE + "record-changed");
		assertThat(changed.at("/state").asString()).isEqualTo("FINISHED_OK");
		assertThat(this.app.payment(key, PAYMENT.replace("}", ", \"simulate\": \"slow\", \"delayMs\": 8000}"))
			.headers()
			.firstValue("Idempotent-Replayed")).hasValue("true");

		// looked up by endpoint, client key and principal, as an incident report names them
		String lookup = "/actuator/idempotency?endpoint=payments&key=" + encode(key)
				+ "&principal=alice";
		JsonNode finished = body(this.app.send("GET", lookup, "admin"));
		assertThat(finished.at("/id").asString()).isEqualTo(id);
		assertThat(finished.at("/state").asString()).isEqualTo("FINISHED_OK");
		assertThat(finished.at("/status").asInt()).isEqualTo(201);
		HttpResponse<String> deleted = this.app.send("DELETE",
				lookup + "&version=" + finished.at("/version").asString(), "admin");
		assertThat(deleted.statusCode()).isEqualTo(200);
		assertThat(body(deleted).at("/outcome").asString()).isEqualTo("deleted");

		// unblocked: the same key runs again
		HttpResponse<String> again = this.app.payment(key, PAYMENT);
		assertThat(again.statusCode()).isEqualTo(201);
		assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(pspAttempts() - attemptsBefore).isEqualTo(2);
		assertThat(prometheus()).contains("idempotency_operator_deletions_total{endpoint=\"payments\","
				+ "outcome=\"deleted\"");
		assertThat(prometheus()).contains("idempotency_operator_deletions_total{endpoint=\"unknown\","
				+ "outcome=\"changed\"");
	}

	@Test
	void forcedDeleteRemovesWhateverIsThereAndSaysSo() {
		String key = UUID.randomUUID().toString();
		assertThat(this.app.payment(key, PAYMENT).statusCode()).isEqualTo(201);
		String lookup = "/actuator/idempotency?endpoint=payments&key=" + encode(key)
				+ "&principal=alice";
		HttpResponse<String> forced = this.app.send("DELETE", lookup + "&force=true", "admin");
		assertThat(forced.statusCode()).isEqualTo(200);
		assertThat(body(forced).at("/outcome").asString()).isEqualTo("forced");
		HttpResponse<String> gone = this.app.send("DELETE", lookup + "&force=true", "admin");
		assertThat(gone.statusCode()).isEqualTo(404);
		assertThat(body(gone).at("/type").asString()).isEqualTo(PROBLEM_BASE + "record-absent");
	}

	@Test
	void requestsThatCannotBeActedOnAreProblems() {
		assertProblem(this.app.send("DELETE", "/actuator/idempotency/not-a-hash?force=true", "admin"), 400,
				"operator-request-invalid");
		assertProblem(this.app.send("DELETE", "/actuator/idempotency/" + "a".repeat(64), "admin"), 400,
				"operator-request-invalid");
		assertProblem(this.app.send("DELETE", "/actuator/idempotency?endpoint=nope&key=k1&force=true", "admin"), 400,
				"operator-request-invalid");
		assertProblem(this.app.send("GET", "/actuator/idempotency/" + "b".repeat(64), "admin"), 404, "record-absent");
	}

	private void assertProblem(HttpResponse<String> response, int status, String type) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		JsonNode problem = body(response);
		assertThat(problem.at("/type").asString()).isEqualTo(PROBLEM_BASE + type);
		assertThat(problem.at("/status").asInt()).isEqualTo(status);
		assertThat(problem.at("/detail").asString()).isNotBlank();
	}

	private JsonNode execution(String endpoint) {
		for (JsonNode execution : body(this.app.send("GET", "/actuator/idempotency", "admin")).at("/executions")) {
			if (endpoint.equals(execution.at("/endpoint").asString())) {
				return execution;
			}
		}
		return null;
	}

	private static JsonNode endpoint(JsonNode report, String name) {
		for (JsonNode endpoint : report.at("/endpoints")) {
			if (name.equals(endpoint.at("/name").asString())) {
				return endpoint;
			}
		}
		throw new AssertionError("No endpoint " + name + " in " + report);
	}

	private int pspAttempts() {
		return body(this.app.send("GET", "/psp/attempts", "alice")).at("/attempts").asInt();
	}

	private String prometheus() {
		return this.app.send("GET", "/actuator/prometheus", null).body();
	}

	private JsonNode body(HttpResponse<String> response) {
		return this.json.readTree(response.body());
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
