package io.github.idempotency.spring.web;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.annotation.ResponseStatusExceptionResolver;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

/**
 * Resolves an {@link IdempotencyProblemException} (raised by {@link IdempotencyRefusalInterceptor} after the refused
 * handler returned) that no exception handler of the application rendered, just before
 * Spring MVC's {@link DefaultHandlerExceptionResolver} would: that resolver logs a {@code WARN} line per exception it
 * resolves, so a storm of refused duplicates would flood the log with lines about requests that were answered as
 * designed. Resolving renders nothing: {@link IdempotencyFilter} then sends the library's problem body, as it did
 * after the default resolver's {@code sendError}.
 * <p>
 * Installed by {@link #insertBeforeDefault(List)} from the starter's {@code WebMvcConfigurer}, after the resolver of
 * {@code @ExceptionHandler} methods, so an application's own handling still comes first, and before Spring MVC's
 * default resolvers: the {@link ResponseStatusExceptionResolver} never resolves a refusal (the exception is neither a
 * {@code ResponseStatusException} nor annotated, and has no cause), and would search its class hierarchy for
 * {@code @ResponseStatus} on every refused request.
 */
public final class IdempotencyProblemResolver implements HandlerExceptionResolver {

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		// an empty model and view: resolved, nothing to render
		boolean refusal = ex instanceof IdempotencyProblemException
				|| ex.getCause() instanceof IdempotencyProblemException;
		return refusal ? new ModelAndView() : null;
	}

	/**
	 * Adds this resolver to Spring MVC's resolvers, just before the first of its default resolvers that follow the
	 * {@code @ExceptionHandler} methods' ({@link ResponseStatusExceptionResolver},
	 * {@link DefaultHandlerExceptionResolver}), or last when there is none.
	 * @param resolvers the resolvers as Spring MVC configured them
	 */
	public static void insertBeforeDefault(List<HandlerExceptionResolver> resolvers) {
		for (int i = 0; i < resolvers.size(); i++) {
			if (resolvers.get(i) instanceof ResponseStatusExceptionResolver
					|| resolvers.get(i) instanceof DefaultHandlerExceptionResolver) {
				resolvers.add(i, new IdempotencyProblemResolver());
				return;
			}
		}
		resolvers.add(new IdempotencyProblemResolver());
	}

}
