package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.execution.Refusal;
import io.github.idempotency.spring.web.WebTestApplication.Gate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.StaticMessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application shapes the library's problems the way it shapes its own: with a {@code @ControllerAdvice} (here a
 * {@link ResponseEntityExceptionHandler}) and its {@code MessageSource}, keeping the stable {@code type}.
 */
@SpringBootTest(classes = { WebTestApplication.class, ProblemCustomizationIT.CustomizedProblems.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.main.banner-mode=off")
class ProblemCustomizationIT {

	private static final String IN_PROGRESS_DETAIL = "Your payment is still being processed; ask again in a moment.";

	private static final String MISMATCH_DETAIL = "This key belongs to another payment.";

	@LocalServerPort
	int port;

	@Autowired
	Gate gate;

	@AfterEach
	void openGate() {
		this.gate.open();
	}

	@Test
	void controllerAdviceChangesTheDetailOfThe409AndKeepsItsTypeStatusAndRetryAfter() throws Exception {
		TestHttp http = new TestHttp(this.port);
		String key = UUID.randomUUID().toString();
		this.gate.close();
		CompletableFuture<HttpResponse<byte[]>> first = http.post("/slow").key(key).text("one").sendAsync();
		assertThat(this.gate.awaitEntered()).isTrue();

		HttpResponse<byte[]> duplicate = http.post("/slow").key(key).text("one").send();
		HttpResponse<byte[]> different = http.post("/slow").key(key).text("two").send();
		this.gate.open();
		assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

		assertThat(duplicate.statusCode()).isEqualTo(409);
		assertThat(duplicate.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith(IdempotencyProblem.MEDIA_TYPE));
		assertThat(duplicate.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(TestHttp.text(duplicate)).contains("\"type\":\"" + IdempotencyProblem.REQUEST_IN_PROGRESS + "\"")
			.contains("\"detail\":\"" + IN_PROGRESS_DETAIL + "\"")
			.doesNotContain("still being processed; retry later");
		assertThat(different.statusCode()).isEqualTo(422);
		assertThat(TestHttp.text(different)).contains("\"type\":\"" + IdempotencyProblem.KEY_MISMATCH + "\"")
			.contains("\"detail\":\"" + MISMATCH_DETAIL + "\"");
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizedProblems {

		@Bean
		MessageSource messageSource() {
			StaticMessageSource messages = new StaticMessageSource();
			messages.addMessage(ErrorResponse.getDefaultDetailMessageCode(IdempotencyProblemException.class,
					"key-mismatch"), Locale.getDefault(), MISMATCH_DETAIL);
			messages.setUseCodeAsDefaultMessage(false);
			return messages;
		}

		@Bean
		ApplicationProblems applicationProblems() {
			return new ApplicationProblems();
		}

	}

	/** An application's advice: it words the 409 its own way and takes other details from its messages. */
	@RestControllerAdvice
	static class ApplicationProblems extends ResponseEntityExceptionHandler {

		@Override
		protected ResponseEntity<Object> handleErrorResponseException(ErrorResponseException ex, HttpHeaders headers,
				HttpStatusCode status, WebRequest request) {
			if (ex instanceof IdempotencyProblemException problem && problem.refusal() == Refusal.IN_PROGRESS) {
				ex.getBody().setDetail(IN_PROGRESS_DETAIL);
			}
			return super.handleErrorResponseException(ex, headers, status, request);
		}

	}

}
