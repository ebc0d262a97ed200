package io.github.idempotency.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
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
 * <p>
 * Where nothing of the application's may render a refusal of the handler (no exception handler of the controller or
 * of an advice that applies to it handles an {@link IdempotencyProblemException}, and no exception resolver of the
 * application's is registered), the refusal is not raised either: Spring MVC would only resolve it to nothing, and the
 * filter sends the library's problem at once, as it sends a replay.
 */
public final class IdempotencyRefusalInterceptor implements HandlerInterceptor {

	/** The order to register it with: after every other interceptor. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE;

	private final @Nullable ApplicationRefusalRendering rendering;

	/** Raises every refusal to Spring MVC. */
	public IdempotencyRefusalInterceptor() {
		this.rendering = null;
	}

	/**
	 * Raises a refusal to Spring MVC only where something of the application's may render it.
	 * @param context the application's context, whose exception handlers and resolvers are looked up on the first
	 * refusal of each controller
	 */
	public IdempotencyRefusalInterceptor(ApplicationContext context) {
		this.rendering = new ApplicationRefusalRendering(context);
	}

	@Override
	public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable ModelAndView modelAndView) {
		if (request.getAttribute(IdempotentExchange.ATTRIBUTE) instanceof IdempotentExchange exchange
				&& exchange.hasPendingRefusal() && (this.rendering == null || this.rendering.mayRender(handler))) {
			IdempotencyProblemException refusal = exchange.raiseRefusal();
			if (refusal != null) {
				throw refusal;
			}
		}
	}

}
