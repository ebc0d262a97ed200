package io.github.idempotency.spring.web;

import java.util.UUID;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.web.WebTestApplication.Invocations;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Handlers that return normally, after which producing their response fails: rendering, a
 * {@link ResponseBodyAdvice}, a {@link HandlerInterceptor#postHandle}. The nested controller and advice are
 * registered as member classes of this configuration.
 */
@Configuration(proxyBeanMethods = false)
class FailingAfterReturnEndpoints {

	private static final String HANDLER_RAN = FailingAfterReturnEndpoints.class.getName() + ".handlerRan";

	@Bean
	WebMvcConfigurer throwingPostHandle() {
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(new HandlerInterceptor() {

					@Override
					public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
							ModelAndView modelAndView) {
						// only after the handler really ran: a replay has nothing to post-process
						if (request.getAttribute(HANDLER_RAN) != null) {
							throw new UnexpectedFailure("postHandle failed");
						}
					}

				}).addPathPatterns("/after-return/post-handled");
			}

		};
	}

	@RestController
	static class AfterReturnController {

		private final Invocations invocations;

		AfterReturnController(Invocations invocations) {
			this.invocations = invocations;
		}

		@PostMapping("/after-return/unrenderable")
		@Idempotent(name = "unrenderable")
		Unrenderable unrenderable() {
			this.invocations.increment("unrenderable");
			return new Unrenderable();
		}

		@PostMapping("/after-return/advice-mapped")
		@Idempotent(name = "advice-mapped")
		AdvisedReceipt adviceMapped() {
			this.invocations.increment("advice-mapped");
			return new AdvisedReceipt(UUID.randomUUID().toString(), "mapped");
		}

		@PostMapping("/after-return/advice-unhandled")
		@Idempotent(name = "advice-unhandled")
		AdvisedReceipt adviceUnhandled() {
			this.invocations.increment("advice-unhandled");
			return new AdvisedReceipt(UUID.randomUUID().toString(), "unhandled");
		}

		@PostMapping("/after-return/post-handled")
		@Idempotent(name = "post-handled")
		String postHandled() {
			this.invocations.increment("post-handled");
			RequestContextHolder.currentRequestAttributes()
				.setAttribute(HANDLER_RAN, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
			return UUID.randomUUID().toString();
		}

		@PostMapping("/after-return/unavailable")
		@Idempotent(name = "unavailable")
		ResponseEntity<String> unavailable() {
			this.invocations.increment("unavailable");
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("try later");
		}

	}

	/** Its getter throws while Jackson renders it. */
	static class Unrenderable {

		public String getId() {
			throw new IllegalStateException("cannot render");
		}

	}

	record AdvisedReceipt(String id, String failure) {
	}

	/**
	 * Fails while writing an {@link AdvisedReceipt}: with an exception the application maps to a 500 problem, or
	 * with one nothing handles.
	 */
	@ControllerAdvice
	static class ThrowingBodyAdvice implements ResponseBodyAdvice<Object> {

		@Override
		public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
			return returnType.getParameterType() == AdvisedReceipt.class;
		}

		@Override
		public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType selectedContentType,
				Class<? extends HttpMessageConverter<?>> selectedConverterType, ServerHttpRequest request,
				ServerHttpResponse response) {
			// a replay writes no body of the handler's (the filter sends the stored one): nothing to fail on then
			if (!(body instanceof AdvisedReceipt receipt)) {
				return body;
			}
			if (receipt.failure().equals("mapped")) {
				throw new IllegalStateException("advice failed");
			}
			throw new UnexpectedFailure("advice failed");
		}

	}

	/** An exception no handler of the application resolves. */
	static class UnexpectedFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		UnexpectedFailure(String message) {
			super(message);
		}

	}

}
