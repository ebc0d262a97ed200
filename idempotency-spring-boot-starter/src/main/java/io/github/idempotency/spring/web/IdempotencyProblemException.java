package io.github.idempotency.spring.web;

import io.github.idempotency.core.execution.Refusal;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;

/**
 * The refusal of an {@code @Idempotent} controller handler that did not run, raised to Spring MVC so that it resolves
 * it like any other {@link ErrorResponse} thrown by that handler: the controller's or an application's
 * {@code @ExceptionHandler}, a
 * {@code ResponseEntityExceptionHandler} or Spring Boot's problem-details support render its body, with detail and
 * title from the {@code MessageSource} under the codes
 * {@code problemDetail.io.github.idempotency.spring.web.IdempotencyProblemException.<slug>} and
 * {@code problemDetail.title.io.github.idempotency.spring.web.IdempotencyProblemException.<slug>}, where the slug
 * ends the type URI (e.g. {@code request-in-progress}). When nothing renders it, the idempotency filter sends the
 * library's own problem body.
 * <p>
 * The refused handler is not made to throw it: it returns like a replayed one, and
 * {@link IdempotencyRefusalInterceptor} raises the refusal from its {@code postHandle}, where Spring MVC resolves it
 * with the handler method as the handler, as it would have resolved an exception of the handler itself. Thrown
 * through the handler's reflective call, it would be wrapped in an {@code InvocationTargetException} that fills a
 * stack trace on every refused request.
 * <p>
 * It carries no stack trace itself either: it is an answer of the protocol, raised from one place, not a failure to
 * debug, and a trace filled for every refused request would cost a storm of refusals (a full or unreachable store,
 * duplicates in flight) more than the refusal itself.
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
