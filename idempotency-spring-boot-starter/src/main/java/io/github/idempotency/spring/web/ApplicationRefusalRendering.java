package io.github.idempotency.spring.web;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.web.method.ControllerAdviceBean;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.handler.HandlerExceptionResolverComposite;
import org.springframework.web.servlet.mvc.annotation.ResponseStatusExceptionResolver;
import org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

/**
 * Tells, per controller, whether anything of the application's may render a refusal: an
 * {@code @ExceptionHandler} of the controller or of a {@code @ControllerAdvice} that applies to it for an
 * {@link IdempotencyProblemException} or one of its supertypes (a {@code ResponseEntityExceptionHandler} handles
 * every {@code ErrorResponseException}; so does Spring Boot's problem-details advice), or a
 * {@link HandlerExceptionResolver} the library does not know. Where nothing may, raising the refusal to Spring MVC
 * would only end in the library's own problem body after a round of exception resolution, so
 * {@link IdempotencyRefusalInterceptor} leaves it to {@link IdempotencyFilter} to send that body at once, as it does
 * for a replay: that is what keeps a refusal from costing more than a replay.
 * <p>
 * Decided once per controller type, on its first refusal, when the context is refreshed; the resolvers known to render
 * nothing for a refusal are Spring MVC's own (exactly these classes, not subclasses) and Spring Boot's
 * {@code DefaultErrorAttributes}, which only records the exception. Anything else counts as an application's.
 */
final class ApplicationRefusalRendering {

	private static final Set<String> INERT_RESOLVERS = Set.of(ExceptionHandlerExceptionResolver.class.getName(),
			ResponseStatusExceptionResolver.class.getName(), DefaultHandlerExceptionResolver.class.getName(),
			IdempotencyProblemResolver.class.getName(), HandlerExceptionResolverComposite.class.getName(),
			"org.springframework.boot.webmvc.error.DefaultErrorAttributes");

	private final ApplicationContext context;

	private final Map<Class<?>, Boolean> byControllerType = new ConcurrentHashMap<>();

	private volatile @Nullable Boolean unknownResolvers;

	ApplicationRefusalRendering(ApplicationContext context) {
		this.context = context;
	}

	/**
	 * Whether the application may render a refusal of this handler.
	 * @param handler the handler Spring MVC dispatched to
	 * @return {@code false} only when nothing but the library would render it
	 */
	boolean mayRender(Object handler) {
		if (!(handler instanceof HandlerMethod method)) {
			return true;
		}
		Boolean known = this.byControllerType.get(method.getBeanType());
		if (known == null) {
			known = this.byControllerType.computeIfAbsent(method.getBeanType(), this::findRendering);
		}
		return known;
	}

	private boolean findRendering(Class<?> controllerType) {
		if (hasUnknownResolvers() || handlesRefusals(controllerType)) {
			return true;
		}
		for (ControllerAdviceBean advice : ControllerAdviceBean.findAnnotatedBeans(this.context)) {
			Class<?> adviceType = advice.getBeanType();
			if (advice.isApplicableToBeanType(controllerType) && (adviceType == null || handlesRefusals(adviceType))) {
				return true;
			}
		}
		return false;
	}

	private boolean hasUnknownResolvers() {
		Boolean unknown = this.unknownResolvers;
		if (unknown == null) {
			unknown = BeanFactoryUtils.beansOfTypeIncludingAncestors(this.context, HandlerExceptionResolver.class)
				.values()
				.stream()
				.anyMatch(ApplicationRefusalRendering::isUnknown);
			this.unknownResolvers = unknown;
		}
		return unknown;
	}

	private static boolean isUnknown(HandlerExceptionResolver resolver) {
		if (!INERT_RESOLVERS.contains(resolver.getClass().getName())) {
			return true;
		}
		if (resolver instanceof HandlerExceptionResolverComposite composite) {
			List<HandlerExceptionResolver> resolvers = composite.getExceptionResolvers();
			return resolvers.stream().anyMatch(ApplicationRefusalRendering::isUnknown);
		}
		return false;
	}

	private static boolean handlesRefusals(Class<?> type) {
		return new ExceptionHandlerMethodResolver(type)
			.resolveMethodByExceptionType(IdempotencyProblemException.class) != null;
	}

}
