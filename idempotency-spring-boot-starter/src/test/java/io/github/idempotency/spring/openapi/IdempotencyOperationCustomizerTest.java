package io.github.idempotency.spring.openapi;

import java.lang.reflect.Method;
import java.util.Map;

import io.github.idempotency.spring.Idempotent;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;
import org.springframework.web.method.HandlerMethod;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyOperationCustomizerTest {

	private final IdempotencyOperationCustomizer customizer = new IdempotencyOperationCustomizer("Idempotency-Key",
			64);

	@Test
	void documentsRequiredKeyHeaderWithItsFormatAndLength() {
		Operation operation = this.customizer.customize(operationWith("201"), handler("pay"));

		assertThat(operation.getParameters()).singleElement().satisfies((parameter) -> {
			assertThat(parameter.getIn()).isEqualTo("header");
			assertThat(parameter.getName()).isEqualTo("Idempotency-Key");
			assertThat(parameter.getRequired()).isTrue();
			assertThat(parameter.getSchema().getType()).isEqualTo("string");
			assertThat(parameter.getSchema().getMinLength()).isEqualTo(1);
			assertThat(parameter.getSchema().getMaxLength()).isEqualTo(64);
			assertThat(parameter.getSchema().getPattern()).isEqualTo("^[ -~]+$");
		});
	}

	@Test
	void capsDocumentedKeyLengthAtWhatTheServerAccepts() {
		IdempotencyOperationCustomizer generous = new IdempotencyOperationCustomizer("Idempotency-Key", 10_000);

		Operation operation = generous.customize(operationWith("201"), handler("pay"));

		assertThat(operation.getParameters().get(0).getSchema().getMaxLength()).isEqualTo(255);
	}

	@Test
	void documentsOptionalKeyWithoutMissingKeyProblem() {
		Operation operation = this.customizer.customize(operationWith("201"), handler("payMaybe"));

		assertThat(operation.getParameters()).singleElement()
			.extracting(Parameter::getRequired)
			.isEqualTo(false);
		assertThat(examples(operation, "400")).containsOnlyKeys("invalid-key");
	}

	@Test
	void marksEveryOwnResponseAsPossiblyReplayed() {
		Operation operation = this.customizer.customize(operationWith("201", "402"), handler("pay"));

		for (String code : new String[] { "201", "402" }) {
			Header replayed = operation.getResponses().get(code).getHeaders().get("Idempotent-Replayed");
			assertThat(replayed.getSchema().getEnum()).containsExactly("true");
		}
	}

	@Test
	void documentsProblemResponsesWithTheirTypes() {
		Operation operation = this.customizer.customize(operationWith("201"), handler("pay"));

		ApiResponses responses = operation.getResponses();
		assertThat(responses).containsKeys("400", "409", "422", "503");
		assertThat(examples(operation, "400")).containsOnlyKeys("missing-key", "invalid-key");
		assertThat(examples(operation, "409")).containsOnlyKeys("request-in-progress");
		assertThat(examples(operation, "422")).containsOnlyKeys("key-mismatch");
		assertThat(examples(operation, "503")).containsOnlyKeys("store-unavailable");
		assertThat(exampleBody(operation, "422", "key-mismatch")).containsEntry("type",
				"https://idempotency.github.io/problems/key-mismatch")
			.containsEntry("status", 422)
			.containsEntry("title", "Idempotency key reused");
		assertThat(responses.get("409").getHeaders()).containsKey("Retry-After");
		assertThat(responses.get("503").getHeaders()).containsKey("Retry-After");
		assertThat(responses.get("422").getHeaders()).as("headers of a new 422").isNull();
		assertThat(responses.get("422").getDescription())
			.contains("https://idempotency.github.io/problems/key-mismatch");
	}

	@Test
	void extendsAResponseTheOperationAlreadyDocuments() {
		Operation operation = operationWith("201");
		MediaType ownProblem = new MediaType().schema(new ObjectSchema());
		operation.getResponses()
			.addApiResponse("400", new ApiResponse().description("Invalid payment")
				.content(new Content().addMediaType("application/problem+json", ownProblem)));

		this.customizer.customize(operation, handler("pay"));

		ApiResponse badRequest = operation.getResponses().get("400");
		assertThat(badRequest.getDescription()).startsWith("Invalid payment")
			.contains("https://idempotency.github.io/problems/missing-key");
		MediaType documented = badRequest.getContent().get("application/problem+json");
		assertThat(documented.getSchema()).isSameAs(ownProblem.getSchema());
		assertThat(documented.getExamples()).containsKeys("missing-key", "invalid-key");
		assertThat(badRequest.getHeaders()).containsKey("Idempotent-Replayed");
	}

	@Test
	void leavesResponsesSharedWithOtherOperationsUnchanged() {
		MediaType sharedProblem = new MediaType().schema(new ObjectSchema());
		ApiResponse shared = new ApiResponse().description("Invalid request")
			.content(new Content().addMediaType("application/problem+json", sharedProblem));
		Operation idempotent = operationWith("201");
		idempotent.getResponses().addApiResponse("400", shared);

		this.customizer.customize(idempotent, handler("pay"));

		assertThat(idempotent.getResponses().get("400")).isNotSameAs(shared);
		assertThat(idempotent.getResponses().get("400").getHeaders()).containsKey("Idempotent-Replayed");
		assertThat(shared.getDescription()).isEqualTo("Invalid request");
		assertThat(shared.getHeaders()).isNull();
		assertThat(sharedProblem.getExamples()).isNull();
	}

	@Test
	void keyFromExpressionHasNoHeaderAndNoKeyProblems() {
		Operation operation = this.customizer.customize(operationWith("200"), handler("transition"));

		assertThat(operation.getParameters()).isNull();
		assertThat(operation.getResponses()).containsKeys("409", "422", "503").doesNotContainKey("400");
	}

	@Test
	void keepsAKeyHeaderTheOperationDeclaresItself() {
		Operation operation = operationWith("201");
		operation.addParametersItem(new HeaderParameter().name("idempotency-key").description("own"));

		this.customizer.customize(operation, handler("pay"));

		assertThat(operation.getParameters()).singleElement()
			.extracting(Parameter::getDescription)
			.isEqualTo("own");
	}

	@Test
	void leavesOperationsWithoutIdempotentAlone() {
		Operation operation = this.customizer.customize(operationWith("200"), handler("list"));

		assertThat(operation.getParameters()).isNull();
		assertThat(operation.getResponses()).containsOnlyKeys("200");
		assertThat(operation.getResponses().get("200").getHeaders()).isNull();
	}

	private static Operation operationWith(String... codes) {
		ApiResponses responses = new ApiResponses();
		for (String code : codes) {
			responses.addApiResponse(code, new ApiResponse().description("own " + code));
		}
		return new Operation().responses(responses);
	}

	private static Map<String, ?> examples(Operation operation, String code) {
		return operation.getResponses().get(code).getContent().get("application/problem+json").getExamples();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> exampleBody(Operation operation, String code, String name) {
		return (Map<String, Object>) operation.getResponses()
			.get(code)
			.getContent()
			.get("application/problem+json")
			.getExamples()
			.get(name)
			.getValue();
	}

	private static HandlerMethod handler(String name) {
		Method method = ReflectionUtils.findMethod(Endpoints.class, name, (Class<?>[]) null);
		return new HandlerMethod(new Endpoints(), method);
	}

	static class Endpoints {

		@Idempotent
		void pay() {
		}

		@Idempotent(required = false)
		void payMaybe() {
		}

		@Idempotent(key = "#id", scope = Idempotent.Scope.GLOBAL)
		void transition(String id) {
		}

		void list() {
		}

	}

}
