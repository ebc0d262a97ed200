package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once a handler returned, its effects happened: a failure while its response is produced never releases the key.
 * The retry gets the first answer (or, where nothing captured it, a {@code response-not-retained} problem saying
 * what happened) and the handler runs once.
 */
class FailureAfterReturnIT extends AbstractWebIT {

	@Test
	void handlerWhoseResultFailsToRenderRunsOnceAndTheRetryGetsTheFirstAnswer() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/after-return/unrenderable").key(key).json("{}").send();
		HttpResponse<byte[]> retry = this.http.post("/after-return/unrenderable").key(key).json("{}").send();

		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(retry.statusCode()).isEqualTo(500);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("unrenderable")).isEqualTo(1);
	}

	@Test
	void responseBodyAdviceThatThrowsAnExceptionMappedTo500RunsOnceAndTheRetryGetsTheSameBytes() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/after-return/advice-mapped").key(key).json("{}").send();
		HttpResponse<byte[]> retry = this.http.post("/after-return/advice-mapped").key(key).json("{}").send();

		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(TestHttp.text(first)).contains("advice failed");
		assertThat(retry.statusCode()).isEqualTo(500);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("advice-mapped")).isEqualTo(1);
	}

	@Test
	void responseBodyAdviceThatThrowsAnUnhandledExceptionRunsOnceAndTheRetrySaysWhatHappened() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/after-return/advice-unhandled").key(key).json("{}").send();
		HttpResponse<byte[]> retry = this.http.post("/after-return/advice-unhandled").key(key).json("{}").send();

		assertThat(first.statusCode()).isEqualTo(500);
		assertProblem(retry, 500, IdempotencyProblem.RESPONSE_NOT_RETAINED);
		assertThat(TestHttp.text(retry)).contains("producing its response failed");
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("advice-unhandled")).isEqualTo(1);
	}

	@Test
	void postHandleThatThrowsAfterTheHandlerReturnedRunsItOnce() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/after-return/post-handled").key(key).json("{}").send();
		HttpResponse<byte[]> retry = this.http.post("/after-return/post-handled").key(key).json("{}").send();

		assertThat(first.statusCode()).isEqualTo(500);
		assertProblem(retry, 500, IdempotencyProblem.RESPONSE_NOT_RETAINED);
		assertThat(this.invocations.count("post-handled")).isEqualTo(1);
	}

	@Test
	void serverErrorTheHandlerReturnedItselfStillReleasesTheKey() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/after-return/unavailable").key(key).json("{}").send();
		HttpResponse<byte[]> retry = this.http.post("/after-return/unavailable").key(key).json("{}").send();

		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(retry.statusCode()).isEqualTo(503);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.invocations.count("unavailable")).isEqualTo(2);
	}

}
