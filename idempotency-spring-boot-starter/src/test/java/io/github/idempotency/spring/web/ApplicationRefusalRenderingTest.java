package io.github.idempotency.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which controllers' refusals an application may render, and so are raised to Spring MVC rather than answered by the
 * filter at once: only those where nothing of the application's could render one are answered at once.
 */
class ApplicationRefusalRenderingTest {

	@Test
	void controllerWithoutAnyExceptionHandlerIsAnsweredByTheLibrary() {
		assertThat(mayRender(PlainController.class, PlainController.class)).isFalse();
	}

	@Test
	void adviceForOtherExceptionsOnlyLeavesTheRefusalToTheLibrary() {
		assertThat(mayRender(PlainController.class, PlainController.class, UnrelatedAdvice.class)).isFalse();
	}

	@Test
	void controllerLocalHandlerOfTheRefusalRendersIt() {
		assertThat(mayRender(LocalHandlerController.class, LocalHandlerController.class)).isTrue();
	}

	@Test
	void responseEntityExceptionHandlerAdviceRendersTheRefusalsOfTheControllersItAppliesTo() {
		Class<?>[] beans = { PlainController.class, OtherController.class, ScopedProblemAdvice.class };
		assertThat(mayRender(PlainController.class, beans)).isTrue();
		assertThat(mayRender(OtherController.class, beans)).isFalse();
	}

	@Test
	void exceptionResolverOfTheApplicationMayRenderEveryRefusal() {
		assertThat(mayRender(PlainController.class, PlainController.class, ApplicationResolver.class)).isTrue();
	}

	@Test
	void handlerThatIsNotAMethodIsLeftToSpringMvc() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(PlainController.class)) {
			assertThat(new ApplicationRefusalRendering(context).mayRender(new Object())).isTrue();
		}
	}

	private static boolean mayRender(Class<?> controller, Class<?>... beans) {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(beans)) {
			Object bean = context.getBean(controller);
			HandlerMethod handler = new HandlerMethod(bean, bean.getClass().getDeclaredMethods()[0]);
			return new ApplicationRefusalRendering(context).mayRender(handler);
		}
	}

	@RestController
	static class PlainController {

		String pay() {
			return "paid";
		}

	}

	@RestController
	static class OtherController {

		String ship() {
			return "shipped";
		}

	}

	@RestController
	static class LocalHandlerController {

		String pay() {
			return "paid";
		}

		@ExceptionHandler
		ResponseEntity<String> refused(IdempotencyProblemException ex) {
			return ResponseEntity.status(ex.getStatusCode()).body("refused");
		}

	}

	@RestControllerAdvice
	static class UnrelatedAdvice {

		@ExceptionHandler
		ResponseEntity<String> invalid(IllegalStateException ex) {
			return ResponseEntity.badRequest().body("invalid");
		}

	}

	/** As applications write them: every {@code ErrorResponseException} is handled, refusals included. */
	@RestControllerAdvice(assignableTypes = PlainController.class)
	static class ScopedProblemAdvice extends ResponseEntityExceptionHandler {

	}

	static class ApplicationResolver implements HandlerExceptionResolver {

		@Override
		public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
				Exception ex) {
			return null;
		}

	}

}
