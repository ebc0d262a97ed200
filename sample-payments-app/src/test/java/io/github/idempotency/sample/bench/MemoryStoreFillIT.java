package io.github.idempotency.sample.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import io.github.idempotency.sample.SamplePaymentsApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench profile's fill of the memory store ({@link MemoryStoreFill}), which {@code scripts/bench.sh
 * --memory-fill} drives: it fills the store to its bound with records in force, so that a new key answers 503 while a
 * key sent before replays, and empties it again; and it exists in no other profile, since {@code /bench/**} is not
 * secured in that one.
 */
class MemoryStoreFillIT {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final String BODY = "{\"sku\":\"BOOK-1\",\"qty\":2}";

	@Test
	void fillsTheStoreToItsBoundSoANewKeyAnswers503WhileAKeySentBeforeReplaysAndDrainsIt() throws Exception {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SamplePaymentsApplication.class).run(
				"--spring.profiles.active=bench", "--server.port=0", "--idempotency.memory.max-records=1000")) {
			String held = UUID.randomUUID().toString();
			assertThat(post(app, "/bench/idem-long", held).statusCode()).isEqualTo(201);

			HttpResponse<String> filled = post(app, "/bench/memory/fill?records=1000", null);
			assertThat(filled.statusCode()).isEqualTo(200);
			assertThat(filled.body()).as("the fill stops at the bound, the held key taking one record")
				.contains("\"size\":1000", "\"filled\":999", "\"maxRecords\":1000");

			assertThat(post(app, "/bench/idem-long", UUID.randomUUID().toString()).statusCode()).isEqualTo(503);
			assertThat(post(app, "/bench/idem", UUID.randomUUID().toString()).statusCode()).isEqualTo(503);
			HttpResponse<String> replay = post(app, "/bench/idem-long", held);
			assertThat(replay.statusCode()).isEqualTo(201);
			assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");

			HttpResponse<String> drained = post(app, "/bench/memory/drain", null);
			assertThat(drained.body()).contains("\"size\":1", "\"filled\":0", "\"changed\":999");
			assertThat(post(app, "/bench/idem", UUID.randomUUID().toString()).statusCode()).isEqualTo(201);
		}
	}

	@Test
	void theFillExistsOnlyInTheBenchProfile() throws Exception {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SamplePaymentsApplication.class)
			.run("--server.port=0")) {
			assertThat(app.getBeansOfType(MemoryStoreFill.class)).isEmpty();
			assertThat(post(app, "/bench/memory/fill?records=10", null).statusCode()).as("secured, and not there")
				.isIn(401, 403, 404);
			assertThat(post(app, "/bench/memory/drain", null).statusCode()).isIn(401, 403, 404);
		}
	}

	private static HttpResponse<String> post(ConfigurableApplicationContext app, String path, String key)
			throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path))
			.timeout(Duration.ofSeconds(30));
		if (key != null) {
			request.header("Content-Type", "application/json")
				.header("Idempotency-Key", key)
				.POST(HttpRequest.BodyPublishers.ofString(BODY));
		}
		else {
			request.POST(HttpRequest.BodyPublishers.noBody());
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
