package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused requests in an application without a {@code ResponseEntityExceptionHandler} (the test application has
 * none): each is answered with the library's problem, and none leaves a {@code WARN} line of Spring MVC's default
 * exception resolver, so a storm of duplicates does not flood the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLoggingIT extends AbstractWebIT {

	private static final String PAYMENT = "{\"amount\":1250,\"currency\":\"EUR\"}";

	@Test
	void refusedRequestsLogNoWarning(CapturedOutput output) {
		String key = newKey();
		this.http.post("/payments-by-bytes").key(key).json(PAYMENT).send();

		HttpResponse<byte[]> missingKey = this.http.post("/payments").json(PAYMENT).send();
		HttpResponse<byte[]> mismatch = this.http.post("/payments-by-bytes")
			.key(key)
			.json("{\"currency\":\"EUR\",\"amount\":1250}")
			.send();

		assertProblem(missingKey, 400, IdempotencyProblem.MISSING_KEY);
		assertProblem(mismatch, 422, IdempotencyProblem.KEY_MISMATCH);
		assertThat(output.getAll()).doesNotContain("IdempotencyProblemException")
			.doesNotContain("DefaultHandlerExceptionResolver");
	}

}
