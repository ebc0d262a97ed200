package io.github.idempotency.spring.web;

import io.github.idempotency.core.execution.Refusal;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;

/**
 * Raised from an {@code @Idempotent} controller handler that is refused without running, so that Spring MVC
 * resolves it like any other {@link ErrorResponse}: an application's {@code @ExceptionHandler}, a
 * {@code ResponseEntityExceptionHandler} or Spring Boot's problem-details support render its body, with detail and
 * title from the {@code MessageSource} under the codes
 * {@code problemDetail.io.github.idempotency.spring.web.IdempotencyProblemException.<slug>} and
 * {@code problemDetail.title.io.github.idempotency.spring.web.IdempotencyProblemException.<slug>}, where the slug
 * ends the type URI (e.g. {@code request-in-progress}). When nothing renders it, the idempotency filter sends the
 * library's own problem body.
 */
public class IdempotencyProblemException extends ErrorResponseException {

	private static final long serialVersionUID = 1L;

	private final Refusal refusal;

	private final String titleMessageCode;

	IdempotencyProblemException(Refusal refusal, IdempotencyProblem problem) {
		super(HttpStatusCode.valueOf(problem.status()), problem.body(), null,
				ErrorResponse.getDefaultDetailMessageCode(IdempotencyProblemException.class, problem.slug()), null);
		this.refusal = refusal;
		this.titleMessageCode = ErrorResponse.getDefaultTitleMessageCode(IdempotencyProblemException.class) + "."
				+ problem.slug();
		String retryAfter = problem.retryAfterHeader();
		if (retryAfter != null) {
			getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
		}
	}

	/**
	 * Why the request was refused.
	 * @return the refusal
	 */
	public Refusal refusal() {
		return this.refusal;
	}

	@Override
	public String getTitleMessageCode() {
		return this.titleMessageCode;
	}

}
