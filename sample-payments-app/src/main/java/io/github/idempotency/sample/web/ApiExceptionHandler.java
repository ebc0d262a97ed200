package io.github.idempotency.sample.web;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.github.idempotency.sample.order.IllegalTransitionException;
import io.github.idempotency.sample.order.OrderNotFoundException;
import io.github.idempotency.sample.payment.PaymentNotFoundException;
import io.github.idempotency.sample.psp.PaymentDeclinedException;
import io.github.idempotency.sample.psp.PspUnavailableException;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns the application's exceptions into problem details ({@code application/problem+json}) with the types of
 * {@link ProblemTypes}. The HTTP status is what the idempotency layer acts on: the 402 of a decline is stored and
 * replayed, the 503 of an unavailable PSP releases the key.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	/** Seconds a client should wait before retrying after the PSP was unavailable. */
	private static final String PSP_RETRY_AFTER_SECONDS = "1";

	@ExceptionHandler
	ResponseEntity<ProblemDetail> declined(PaymentDeclinedException ex) {
		return problem(HttpStatus.PAYMENT_REQUIRED, ProblemTypes.PAYMENT_DECLINED, "Payment declined",
				ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> pspUnavailable(PspUnavailableException ex) {
		ProblemDetail body = detail(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.PSP_UNAVAILABLE,
				"Payment processor unavailable", ex.getMessage());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, PSP_RETRY_AFTER_SECONDS)
			.body(body);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> paymentNotFound(PaymentNotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, ProblemTypes.PAYMENT_NOT_FOUND, "Payment not found", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> orderNotFound(OrderNotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, ProblemTypes.ORDER_NOT_FOUND, "Order not found", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> illegalTransition(IllegalTransitionException ex) {
		return problem(HttpStatus.CONFLICT, ProblemTypes.ILLEGAL_TRANSITION, "Illegal transition", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> concurrentUpdate(OptimisticLockingFailureException ex) {
		return problem(HttpStatus.CONFLICT, ProblemTypes.CONCURRENT_UPDATE, "Concurrent update",
				"Another request changed the order at the same time; read it and try again");
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail body = detail(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request",
				"One or more fields are invalid");
		List<Map<String, String>> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.sorted(Comparator.comparing(FieldError::getField))
			.map(ApiExceptionHandler::fieldError)
			.toList();
		body.setProperty("errors", errors);
		return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail body = detail(HttpStatus.BAD_REQUEST, ProblemTypes.INVALID_REQUEST, "Invalid request",
				"The request body is not valid JSON for this endpoint");
		return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
	}

	private static Map<String, String> fieldError(FieldError error) {
		String message = (error.getDefaultMessage() != null) ? error.getDefaultMessage() : "is invalid";
		return Map.of("field", error.getField(), "message", message);
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, URI type, String title, String detail) {
		return ResponseEntity.status(status).body(detail(status, type, title, detail));
	}

	private static ProblemDetail detail(HttpStatus status, URI type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type);
		problem.setTitle(title);
		return problem;
	}

}
