package io.github.idempotency.spring.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.idempotency.core.execution.Refusal;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;

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

	@Test
	void aStormOfRefusalsIsAnsweredWithOneProblemWhoseBodiesAreEachFreeToChange() {
		IdempotencyProblem first = IdempotencyProblem.of(Refusal.STORE_UNAVAILABLE, Duration.ofSeconds(1), "");
		IdempotencyProblem second = IdempotencyProblem.of(Refusal.STORE_UNAVAILABLE, Duration.ofSeconds(1), "");

		assertThat(second).isSameAs(first);
		assertThat(second.toJson()).isSameAs(first.toJson());
		ProblemDetail changed = first.body();
		changed.setDetail("shaped by the application");
		assertThat(second.body()).isNotSameAs(changed);
		assertThat(second.body().getDetail())
			.isEqualTo("The request cannot be protected against duplicates right now; retry later.");
		assertThat(second.body().getType()).hasToString(IdempotencyProblem.STORE_UNAVAILABLE);
	}

	@Test
	void aProblemWithAnotherRetryAfterIsItsOwn() {
		IdempotencyProblem inOneSecond = IdempotencyProblem.storeUnavailable(Duration.ofSeconds(1));
		IdempotencyProblem inThreeSeconds = IdempotencyProblem.storeUnavailable(Duration.ofSeconds(3));

		assertThat(inOneSecond.retryAfterHeader()).isEqualTo("1");
		assertThat(inThreeSeconds.retryAfterHeader()).isEqualTo("3");
		assertThat(IdempotencyProblem.storeUnavailable(Duration.ofSeconds(1)).retryAfterHeader()).isEqualTo("1");
	}

	@Test
	void theMissingKeyProblemNamesTheHeaderItWasAskedFor() {
		assertThat(new String(IdempotencyProblem.missingKey("Idempotency-Key").toJson(), StandardCharsets.UTF_8))
			.contains("in the Idempotency-Key header.");
		assertThat(new String(IdempotencyProblem.missingKey("X-Request-Key").toJson(), StandardCharsets.UTF_8))
			.contains("in the X-Request-Key header.");
	}

	@Test
	void theRaisedRefusalCarriesItsCodesAndRetryAfterButNoStackTrace() {
		IdempotencyProblemException refused = new IdempotencyProblemException(Refusal.STORE_UNAVAILABLE,
				IdempotencyProblem.storeUnavailable(Duration.ofSeconds(1)));

		assertThat(refused.getStackTrace()).isEmpty();
		assertThat(refused.getStatusCode().value()).isEqualTo(503);
		assertThat(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(refused.getDetailMessageCode())
			.isEqualTo("problemDetail.io.github.idempotency.spring.web.IdempotencyProblemException.store-unavailable");
		assertThat(refused.getTitleMessageCode()).isEqualTo(
				"problemDetail.title.io.github.idempotency.spring.web.IdempotencyProblemException.store-unavailable");
		assertThat(refused.getBody().getType()).hasToString(IdempotencyProblem.STORE_UNAVAILABLE);
	}

}
