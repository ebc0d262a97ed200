package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;
import java.util.UUID;

import io.github.idempotency.spring.web.RefusalEndpoints.CallOutcomes;
import io.github.idempotency.spring.web.WebTestApplication.SwitchableStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refused handler returns like a replayed one and the refusal is raised to Spring MVC after it returned: the
 * application's exception handlers still render it with the handler method, an advisor of the application around the
 * handler sees a normal return, and whatever fails on the short-circuited return value before the refusal is raised
 * never replaces the library's problem, nor a replay.
 */
@SpringBootTest(classes = { WebTestApplication.class, RefusalEndpoints.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.main.banner-mode=off")
class RefusalAfterReturnIT {

	@LocalServerPort
	int port;

	@Autowired
	SwitchableStore store;

	@Autowired
	CallOutcomes outcomes;

	TestHttp http;

	@BeforeEach
	void prepare() {
		this.http = new TestHttp(this.port);
		this.outcomes.clear();
		this.store.failing(false);
	}

	@AfterEach
	void restoreStore() {
		this.store.failing(false);
	}

	@Test
	void refusedHandlerReturnsNormallyThroughAnApplicationAdvisorAndItsControllerRendersTheRefusal() {
		HttpResponse<byte[]> refused = this.http.post("/refusals/local").json("{}").send();

		assertThat(this.outcomes.outcomes()).containsExactly("returned");
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(TestHttp.text(refused)).contains("\"type\":\"" + IdempotencyProblem.MISSING_KEY + "\"")
			.contains("\"detail\":\"rendered by the controller for local\"");
	}

	@Test
	void handlerCalledDirectlyByAnotherHandlerThrowsItsRefusalToItsCaller() {
		HttpResponse<byte[]> refused = this.http.post("/refusals/delegating").json("{}").send();

		assertThat(this.outcomes.outcomes()).isEmpty();
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(TestHttp.text(refused)).contains("\"type\":\"" + IdempotencyProblem.MISSING_KEY + "\"");
	}

	@Test
	void storeRefusalReachesTheControllerAdviceWithTheHandlerMethodAndItsRetryAfter() {
		this.store.failing(true);

		HttpResponse<byte[]> refused = this.http.post("/refusals/advised").key(newKey()).json("{}").send();

		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(TestHttp.text(refused)).contains("\"type\":\"" + IdempotencyProblem.STORE_UNAVAILABLE + "\"")
			.contains("\"detail\":\"rendered by the advice for advised\"");
	}

	@Test
	void bodyAdviceFailingOnTheRefusedHandlersNullWithAFailureTheApplicationRendersStillGetsTheLibrarys503() {
		this.store.failing(true);

		HttpResponse<byte[]> refused = this.http.post("/refusals/fragile-mapped").key(newKey()).json("{}").send();

		assertStoreUnavailable(refused);
	}

	@Test
	void bodyAdviceFailingOnTheRefusedHandlersNullWithAFailureNothingHandlesStillGetsTheLibrarys503() {
		this.store.failing(true);

		HttpResponse<byte[]> refused = this.http.post("/refusals/fragile-unhandled").key(newKey()).json("{}").send();

		assertStoreUnavailable(refused);
	}

	@Test
	void bodyAdviceFailingOnAReplayedHandlersNullWithAFailureNothingHandlesStillGetsTheReplay() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/refusals/fragile-unhandled").key(key).json("{}").send();
		assertThat(first.statusCode()).isEqualTo(200);

		HttpResponse<byte[]> replay = this.http.post("/refusals/fragile-unhandled").key(key).json("{}").send();

		assertThat(replay.statusCode()).isEqualTo(200);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(replay.body()).isEqualTo(first.body());
	}

	private static void assertStoreUnavailable(HttpResponse<byte[]> refused) {
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith(IdempotencyProblem.MEDIA_TYPE));
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(TestHttp.text(refused)).contains("\"type\":\"" + IdempotencyProblem.STORE_UNAVAILABLE + "\"")
			.doesNotContain("NullPointerException")
			.doesNotContain("the application failed")
			.doesNotContain("at io.github");
	}

	private static String newKey() {
		return UUID.randomUUID().toString();
	}

}
