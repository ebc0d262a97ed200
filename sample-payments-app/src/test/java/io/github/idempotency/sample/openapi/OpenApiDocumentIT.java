package io.github.idempotency.sample.openapi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.github.idempotency.sample.SamplePaymentsApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the OpenAPI document the running sample app serves on {@code /v3/api-docs} (open, like Swagger UI) and
 * checks what the starter adds to its {@code @Idempotent} operations, and that the documented problems are the
 * ones the server really sends.
 */
class OpenApiDocumentIT {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String PROBLEM = "application/problem+json";

	private static final String COFFEE = "{\"amount\": 1250, \"currency\": \"EUR\", \"description\": \"coffee\"}";

	private static ConfigurableApplicationContext app;

	private static URI baseUri;

	private static JsonNode document;

	@BeforeAll
	static void startAppAndReadDocument() {
		app = new SpringApplicationBuilder(SamplePaymentsApplication.class).run("--server.port=0");
		baseUri = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"));
		HttpResponse<String> response = send(HttpRequest.newBuilder(baseUri.resolve("/v3/api-docs")).GET());
		assertThat(response.statusCode()).as("GET /v3/api-docs without credentials").isEqualTo(200);
		document = json.readTree(response.body());
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void paymentRequiresTheKeyHeaderWithItsFormatAndLength() {
		JsonNode key = keyHeader(operation("/payments", "post"));

		assertThat(key).as("Idempotency-Key parameter").isNotNull();
		assertThat(key.get("required").asBoolean()).isTrue();
		assertThat(key.at("/schema/type").asString()).isEqualTo("string");
		assertThat(key.at("/schema/minLength").asInt()).isEqualTo(1);
		assertThat(key.at("/schema/maxLength").asInt()).isEqualTo(255);
		assertThat(key.at("/schema/pattern").asString()).isEqualTo("^[ -~]+$");
	}

	@Test
	void paymentsOwnResponsesMayBeReplays() {
		JsonNode responses = operation("/payments", "post").get("responses");
		List<String> ownCodes = new ArrayList<>();
		responses.propertyNames().forEach((code) -> {
			if (code.startsWith("2")) {
				ownCodes.add(code);
			}
		});

		assertThat(ownCodes).isNotEmpty();
		for (String code : ownCodes) {
			assertThat(responses.at("/" + code + "/headers/Idempotent-Replayed/schema/enum/0").asString())
				.as("Idempotent-Replayed on " + code)
				.isEqualTo("true");
		}
	}

	@Test
	void paymentDocumentsTheProblemsWithTheirTypes() {
		JsonNode responses = operation("/payments", "post").get("responses");

		assertThat(exampleType(responses, "400", "missing-key"))
			.isEqualTo("https://idempotency.github.io/problems/missing-key");
		assertThat(exampleType(responses, "400", "invalid-key"))
			.isEqualTo("https://idempotency.github.io/problems/invalid-key");
		assertThat(exampleType(responses, "409", "request-in-progress"))
			.isEqualTo("https://idempotency.github.io/problems/request-in-progress");
		assertThat(exampleType(responses, "422", "key-mismatch"))
			.isEqualTo("https://idempotency.github.io/problems/key-mismatch");
		assertThat(exampleType(responses, "503", "store-unavailable"))
			.isEqualTo("https://idempotency.github.io/problems/store-unavailable");
		assertThat(responses.at("/409/headers/Retry-After/schema/type").asString()).isEqualTo("integer");
		assertThat(responses.at("/503/headers/Retry-After/schema/type").asString()).isEqualTo("integer");
	}

	@Test
	void documentedProblemsAreWhatTheServerSends() {
		JsonNode responses = operation("/payments", "post").get("responses");
		JsonNode missingKey = asAlice(post("/payments", null, COFFEE));
		String key = UUID.randomUUID().toString();
		asAlice(post("/payments", key, COFFEE));
		JsonNode mismatch = asAlice(post("/payments", key, COFFEE.replace("1250", "9900")));

		assertSameProblem(missingKey, example(responses, "400", "missing-key"));
		assertSameProblem(mismatch, example(responses, "422", "key-mismatch"));
	}

	@Test
	void transitionWithExpressionKeyHasNoKeyHeaderButItsConflicts() {
		JsonNode transition = operation("/orders/{id}/transitions", "post");

		assertThat(keyHeader(transition)).isNull();
		assertThat(transition.get("responses").has("409")).isTrue();
		assertThat(exampleType(transition.get("responses"), "422", "key-mismatch")).endsWith("/key-mismatch");
	}

	@Test
	void operationsWithoutIdempotentAreLeftAlone() {
		JsonNode list = operation("/payments", "get");

		assertThat(keyHeader(list)).isNull();
		assertThat(list.get("responses").toString()).doesNotContain("Idempotent-Replayed", "idempotency.github.io");
	}

	@Test
	void swaggerUiIsServed() {
		HttpResponse<String> page = send(HttpRequest.newBuilder(baseUri.resolve("/swagger-ui/index.html")).GET());

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("swagger-ui");
	}

	private static JsonNode operation(String path, String method) {
		JsonNode operation = document.path("paths").path(path).path(method);
		assertThat(operation.isMissingNode()).as(method.toUpperCase() + " " + path + " in the document").isFalse();
		return operation;
	}

	private static JsonNode keyHeader(JsonNode operation) {
		for (JsonNode parameter : operation.path("parameters")) {
			if ("header".equals(parameter.path("in").asString())
					&& "Idempotency-Key".equals(parameter.path("name").asString())) {
				return parameter;
			}
		}
		return null;
	}

	private static JsonNode example(JsonNode responses, String code, String name) {
		return responses.path(code).path("content").path(PROBLEM).path("examples").path(name).path("value");
	}

	private static String exampleType(JsonNode responses, String code, String name) {
		return example(responses, code, name).path("type").asString();
	}

	private static void assertSameProblem(JsonNode sent, JsonNode documented) {
		assertThat(sent.path("type").asString()).isEqualTo(documented.path("type").asString());
		assertThat(sent.path("title").asString()).isEqualTo(documented.path("title").asString());
		assertThat(sent.path("status").asInt()).isEqualTo(documented.path("status").asInt());
	}

	private static HttpRequest.Builder post(String path, String key, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(baseUri.resolve(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (key != null) {
			request.header("Idempotency-Key", key);
		}
		return request;
	}

	private static JsonNode asAlice(HttpRequest.Builder request) {
		String credentials = Base64.getEncoder().encodeToString("alice:alice-secret".getBytes(StandardCharsets.UTF_8));
		return json.readTree(send(request.header("Authorization", "Basic " + credentials)).body());
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
