package io.github.idempotency.spring.web;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.idempotency.spring.Idempotent;
import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.RootClassFilter;
import org.springframework.aop.support.annotation.AnnotationMethodMatcher;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Refused handlers as applications surround them: a controller with its own {@code @ExceptionHandler} for refusals,
 * one whose {@code @ControllerAdvice} renders them, an advisor of the application around a controller's calls, and a
 * {@link ResponseBodyAdvice} that cannot stand the value a refused handler returns. Every advice is scoped to its
 * controller, so the other web tests on the same application are unaffected. The nested beans are registered as
 * member classes of this configuration.
 */
@Configuration(proxyBeanMethods = false)
class RefusalEndpoints {

	@Bean
	CallOutcomes callOutcomes() {
		return new CallOutcomes();
	}

	/**
	 * Outside the idempotency interceptor, as an application's own advisor (tracing, metrics) would be: sees how each
	 * call of an {@code @Idempotent} handler of {@link LocallyHandledController} ended. Infrastructure, like the
	 * library's, for the auto-proxy creator the starter registers to apply it.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor callOutcomeAdvisor(CallOutcomes outcomes) {
		MethodInterceptor recording = (invocation) -> {
			try {
				Object value = invocation.proceed();
				outcomes.record("returned");
				return value;
			}
			catch (Throwable ex) {
				outcomes.record("threw " + ex.getClass().getSimpleName());
				throw ex;
			}
		};
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
				new ComposablePointcut(new RootClassFilter(LocallyHandledController.class),
						new AnnotationMethodMatcher(Idempotent.class)),
				recording);
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return advisor;
	}

	/** How the calls seen by {@link #callOutcomeAdvisor} ended, in order. */
	static class CallOutcomes {

		private final List<String> outcomes = new CopyOnWriteArrayList<>();

		void record(String outcome) {
			this.outcomes.add(outcome);
		}

		List<String> outcomes() {
			return List.copyOf(this.outcomes);
		}

		void clear() {
			this.outcomes.clear();
		}

	}

	/** Renders its own refusals with a controller-local exception handler. */
	@RestController
	static class LocallyHandledController {

		@PostMapping("/refusals/local")
		@Idempotent(name = "refusals-local")
		String local() {
			return "ran";
		}

		@ExceptionHandler(IdempotencyProblemException.class)
		ResponseEntity<ProblemDetail> refused(IdempotencyProblemException ex, HandlerMethod handler) {
			ProblemDetail problem = ex.getBody();
			problem.setDetail("rendered by the controller for " + handler.getMethod().getName());
			return ResponseEntity.status(ex.getStatusCode()).headers(ex.getHeaders()).body(problem);
		}

	}

	/** Its refusals are rendered by {@link AdvisedRefusals}. */
	@RestController
	static class AdvisedController {

		@PostMapping("/refusals/advised")
		@Idempotent(name = "refusals-advised")
		String advised() {
			return "ran";
		}

	}

	/** Not idempotent itself: calls {@link AdvisedController}'s handler directly, as application code may. */
	@RestController
	static class DelegatingController {

		private final AdvisedController advised;

		private final CallOutcomes outcomes;

		DelegatingController(AdvisedController advised, CallOutcomes outcomes) {
			this.advised = advised;
			this.outcomes = outcomes;
		}

		@PostMapping("/refusals/delegating")
		String delegating() {
			String result = this.advised.advised();
			this.outcomes.record("delegate went on with " + result);
			return "delegated " + result;
		}

	}

	@RestControllerAdvice(assignableTypes = AdvisedController.class)
	static class AdvisedRefusals {

		@ExceptionHandler(IdempotencyProblemException.class)
		ResponseEntity<ProblemDetail> refused(IdempotencyProblemException ex, HandlerMethod handler) {
			ProblemDetail problem = ex.getBody();
			problem.setDetail("rendered by the advice for " + handler.getMethod().getName());
			return ResponseEntity.status(ex.getStatusCode()).headers(ex.getHeaders()).body(problem);
		}

	}

	/** Its receipts go through {@link NullIntolerantBodyAdvice}, whose failures {@link MappedFailures} renders. */
	@RestController
	static class MappedFragileController {

		@PostMapping("/refusals/fragile-mapped")
		@Idempotent(name = "refusals-fragile-mapped")
		Fragile mapped() {
			return new Fragile("ran");
		}

	}

	/** Its receipts go through {@link NullIntolerantBodyAdvice}, whose failures nothing renders. */
	@RestController
	static class UnhandledFragileController {

		@PostMapping("/refusals/fragile-unhandled")
		@Idempotent(name = "refusals-fragile-unhandled")
		Fragile unhandled() {
			return new Fragile("ran");
		}

	}

	record Fragile(String id) {
	}

	/** Assumes every {@link Fragile} body is there, as application code written for its handlers may. */
	@RestControllerAdvice(assignableTypes = { MappedFragileController.class, UnhandledFragileController.class })
	static class NullIntolerantBodyAdvice implements ResponseBodyAdvice<Fragile> {

		@Override
		public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
			return returnType.getParameterType() == Fragile.class;
		}

		@Override
		public Fragile beforeBodyWrite(Fragile body, MethodParameter returnType, MediaType selectedContentType,
				Class<? extends HttpMessageConverter<?>> selectedConverterType, ServerHttpRequest request,
				ServerHttpResponse response) {
			return new Fragile(Objects.requireNonNull(body, "body").id().toUpperCase());
		}

	}

	/** An application's catch-all for one controller: every failure becomes its own 500 problem. */
	@RestControllerAdvice(assignableTypes = MappedFragileController.class)
	static class MappedFailures {

		@ExceptionHandler(NullPointerException.class)
		ProblemDetail failed(NullPointerException ex) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "the application failed: " + ex);
		}

	}

}
