package io.github.idempotency.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;

/**
 * Raises the refusal of an {@code @Idempotent} handler to Spring MVC once the handler, short-circuited like a replay,
 * returned: the {@link DispatcherServlet} calls {@code postHandle} directly and resolves what it throws with the
 * handler method as the handler, so the controller's own {@code @ExceptionHandler}s, the {@code @ControllerAdvice}s
 * (a {@code ResponseEntityExceptionHandler} among them) and Spring Boot's problem details render the
 * {@link IdempotencyProblemException} exactly as if the handler had thrown it, without the cost of an exception
 * thrown through the handler's reflective call.
 * <p>
 * Registered last ({@link #ORDER}), so that its {@code postHandle}, which Spring MVC calls in reverse order, runs
 * before any application interceptor's: those are skipped for a refused request, as they were when the handler threw.
 * When it never runs (something failed on the short-circuited return value first, or it is not registered), the
 * refusal is not raised and {@link IdempotencyFilter} answers with the library's problem.
 */
public final class IdempotencyRefusalInterceptor implements HandlerInterceptor {

	/** The order to register it with: after every other interceptor. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE;

	@Override
	public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable ModelAndView modelAndView) {
		if (request.getAttribute(IdempotentExchange.ATTRIBUTE) instanceof IdempotentExchange exchange) {
			IdempotencyProblemException refusal = exchange.raiseRefusal();
			if (refusal != null) {
				throw refusal;
			}
		}
	}

}
