package io.github.idempotency.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.spring.IdempotentHttpHandler;
import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.JoinedCompletion;
import io.github.idempotency.spring.web.BodyFingerprint;
import io.github.idempotency.spring.web.IdempotencyFilter;
import io.github.idempotency.spring.web.IdempotencyProblemResolver;
import io.github.idempotency.spring.web.IdempotencyRefusalInterceptor;
import io.github.idempotency.spring.web.ServletIdempotentHttpHandler;
import jakarta.servlet.Filter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Captures and replays HTTP responses of {@code @Idempotent} controller handlers.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ DispatcherServlet.class, Filter.class })
final class IdempotencyWebConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static IdempotentHttpHandler idempotentHttpHandler(Environment environment,
			ObjectProvider<IdempotentExecutor> executor, ObjectProvider<IdempotencyListener> listeners,
			ObjectProvider<JoinedCompletion> joinedCompletion) {
		// created with the advisor, while post-processors are: binds early, resolves its collaborators later
		IdempotencyProperties properties = IdempotencyAutoConfiguration.bindEarly(environment);
		ServletIdempotentHttpHandler handler = new ServletIdempotentHttpHandler(executor::getObject,
				IdempotencyAutoConfiguration.compositeOnFirstUse(listeners), properties.getHeaderName(),
				properties.getKeyMaxLength(), IdempotencyAutoConfiguration.onFirstUse(joinedCompletion));
		handler.setBodyFingerprint(properties.getFingerprint(), endpointBodyFingerprints(properties));
		handler.setAnonymousBodyHash(properties.getAnonymousBodyHash());
		return handler;
	}

	private static Map<String, BodyFingerprint> endpointBodyFingerprints(IdempotencyProperties properties) {
		Map<String, BodyFingerprint> fingerprints = new LinkedHashMap<>();
		properties.getEndpoints().forEach((name, endpoint) -> {
			if (endpoint.getFingerprint() != null) {
				fingerprints.put(name, endpoint.getFingerprint());
			}
		});
		return fingerprints;
	}

	/**
	 * Resolves every {@code @Idempotent} handler once the context is refreshed, so the filter knows its HTTP
	 * methods even when controllers are created lazily, on their first request.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "idempotentHandlerDetector")
	static SmartInitializingSingleton idempotentHandlerDetector(
			ObjectProvider<RequestMappingHandlerMapping> mappings, IdempotentMethodRegistry methods) {
		return () -> mappings.orderedStream()
			.forEach((mapping) -> mapping.getHandlerMethods()
				.values()
				.forEach((handler) -> methods.find(handler.getMethod(), handler.getBeanType())));
	}

	@Bean
	@ConditionalOnMissingBean(name = "idempotencyFilterRegistration")
	FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration(IdempotentMethodRegistry methods,
			IdempotencyProperties properties) {
		IdempotencyFilter filter = new IdempotencyFilter(methods, properties.getReplayHeaders(),
				properties.getRetryableClientErrors(), properties.getMaxResponseSize().toBytes());
		// no JSON parse when no endpoint compares JSON bodies canonically
		filter.setCanonicalJson(properties.getFingerprint() == BodyFingerprint.CANONICAL
				|| endpointBodyFingerprints(properties).containsValue(BodyFingerprint.CANONICAL));
		FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("idempotencyFilter");
		registration.setOrder(IdempotencyFilter.DEFAULT_ORDER);
		return registration;
	}

	/**
	 * Resolves the library's refusals that no exception handler of the application rendered before Spring MVC's
	 * default resolver, which would log a {@code WARN} line per refused request.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "idempotencyProblemResolverConfigurer")
	static WebMvcConfigurer idempotencyProblemResolverConfigurer() {
		return new WebMvcConfigurer() {

			@Override
			public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
				IdempotencyProblemResolver.insertBeforeDefault(resolvers);
			}

		};
	}

	/**
	 * Raises refusals to Spring MVC from the last interceptor's {@code postHandle}, so that the application's
	 * exception handlers render them, where it has any; without it, every refusal gets the library's own problem
	 * body.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "idempotencyRefusalInterceptorConfigurer")
	static WebMvcConfigurer idempotencyRefusalInterceptorConfigurer(ApplicationContext context) {
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(new IdempotencyRefusalInterceptor(context))
					.order(IdempotencyRefusalInterceptor.ORDER);
			}

		};
	}

}
