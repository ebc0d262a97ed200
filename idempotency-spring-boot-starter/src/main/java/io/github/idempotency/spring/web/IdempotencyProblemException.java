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
 * <p>
 * It carries no stack trace: it is an answer of the protocol, raised from the one place where the idempotency
 * interceptor refuses a request, not a failure to debug, and a trace filled for every refused request would cost a
 * storm of refusals (a full or unreachable store, duplicates in flight) more than the refusal itself.
 */
public class IdempotencyProblemException extends ErrorResponseException {

	private static final long serialVersionUID = 1L;

	private final Refusal refusal;

	private final String titleMessageCode;

	IdempotencyProblemException(Refusal refusal, IdempotencyProblem problem) {
		super(HttpStatusCode.valueOf(problem.status()), problem.body(), null, problem.detailMessageCode(), null);
		this.refusal = refusal;
		this.titleMessageCode = problem.titleMessageCode();
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

	@Override
	public synchronized Throwable fillInStackTrace() {
		// see the class comment: no trace to fill
		return this;
	}

}
