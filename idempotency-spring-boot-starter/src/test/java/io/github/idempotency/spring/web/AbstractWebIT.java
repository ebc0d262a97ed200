package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;
import java.util.UUID;

import io.github.idempotency.spring.web.WebTestApplication.ClaimCounter;
import io.github.idempotency.spring.web.WebTestApplication.Gate;
import io.github.idempotency.spring.web.WebTestApplication.Invocations;
import io.github.idempotency.spring.web.WebTestApplication.SwitchableStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@link WebTestApplication} on a real server at a random port; subclasses share one context.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.max-response-size=1KB", "idempotency.wait-timeout=20s",
				"idempotency.endpoints.slow-wait-briefly.on-conflict=wait",
				"idempotency.endpoints.slow-wait-briefly.wait-timeout=200ms",
				"idempotency.endpoints.payments-by-bytes.fingerprint=bytes",
				"spring.main.banner-mode=off" })
abstract class AbstractWebIT {

	@LocalServerPort
	int port;

	@Autowired
	Invocations invocations;

	@Autowired
	Gate gate;

	@Autowired
	SwitchableStore store;

	@Autowired
	ClaimCounter claims;

	TestHttp http;

	@BeforeEach
	void prepare() {
		this.http = new TestHttp(this.port);
		this.invocations.reset();
		this.claims.reset();
		this.gate.close();
		this.store.failing(false);
	}

	@AfterEach
	void openGate() {
		this.gate.open();
		this.store.failing(false);
	}

	static String newKey() {
		return UUID.randomUUID().toString();
	}

	static void assertProblem(HttpResponse<byte[]> response, int status, String type) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith(IdempotencyProblem.MEDIA_TYPE));
		assertThat(TestHttp.text(response)).contains("\"type\":\"" + type + "\"")
			.contains("\"status\":" + status)
			.doesNotContain("Exception");
	}

}
