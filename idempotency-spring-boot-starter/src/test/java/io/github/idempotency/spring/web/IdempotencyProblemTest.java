package io.github.idempotency.spring.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyProblemTest {

	@Test
	void rendersRfc9457JsonWithTheStableType() {
		String json = new String(IdempotencyProblem.inProgress(Duration.ofSeconds(1)).toJson(), StandardCharsets.UTF_8);

		assertThat(json).isEqualTo("{\"type\":\"https://idempotency.github.io/problems/request-in-progress\","
				+ "\"title\":\"Request in progress\",\"status\":409,\"detail\":\"A request with this idempotency key "
				+ "is still being processed; retry later to get its result.\"}");
	}

	@Test
	void escapesDetailText() {
		String json = new String(IdempotencyProblem.invalidKey("a \"quoted\" \\ reason\n").toJson(),
				StandardCharsets.UTF_8);

		assertThat(json).contains("a \\\"quoted\\\" \\\\ reason\\u000a.");
	}

	@Test
	void retryAfterIsWholeSecondsRoundedUp() {
		assertThat(IdempotencyProblem.inProgress(Duration.ofMillis(1500)).retryAfterHeader()).isEqualTo("2");
		assertThat(IdempotencyProblem.inProgress(Duration.ofMillis(10)).retryAfterHeader()).isEqualTo("1");
		assertThat(IdempotencyProblem.mismatch().retryAfterHeader()).isNull();
	}

}
