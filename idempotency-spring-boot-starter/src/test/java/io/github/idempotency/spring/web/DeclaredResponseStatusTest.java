package io.github.idempotency.spring.web;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ResponseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status a handler declares: its {@code ResponseEntity}'s first, then {@code @ResponseStatus} on the method, then
 * on its class.
 */
class DeclaredResponseStatusTest {

	private final DeclaredResponseStatus statuses = new DeclaredResponseStatus();

	@Test
	void responseEntityStatusWinsOverTheAnnotation() throws Exception {
		assertThat(this.statuses.of(ResponseEntity.status(503).build(), method(Annotated.class, "created")))
			.isEqualTo(503);
	}

	@Test
	void methodAnnotationWinsOverTheClassAnnotation() throws Exception {
		assertThat(this.statuses.of("body", method(Annotated.class, "created"))).isEqualTo(201);
		assertThat(this.statuses.of("body", method(Annotated.class, "inherited"))).isEqualTo(202);
	}

	@Test
	void handlerWithoutAnnotationDeclaresNone() throws Exception {
		assertThat(this.statuses.of("body", method(Plain.class, "plain"))).isEqualTo(DeclaredResponseStatus.NONE);
		assertThat(this.statuses.of(null, method(Plain.class, "plain"))).isEqualTo(DeclaredResponseStatus.NONE);
	}

	@Test
	void repeatedLookupsOfOneHandlerAgree() throws Exception {
		Method created = method(Annotated.class, "created");
		Method plain = method(Plain.class, "plain");
		for (int i = 0; i < 3; i++) {
			assertThat(this.statuses.of("body", created)).isEqualTo(201);
			assertThat(this.statuses.of("body", plain)).isEqualTo(DeclaredResponseStatus.NONE);
		}
	}

	private static Method method(Class<?> type, String name) throws NoSuchMethodException {
		return type.getDeclaredMethod(name);
	}

	@ResponseStatus(HttpStatus.ACCEPTED)
	static class Annotated {

		@ResponseStatus(code = HttpStatus.CREATED)
		String created() {
			return "";
		}

		String inherited() {
			return "";
		}

	}

	static class Plain {

		String plain() {
			return "";
		}

	}

}
