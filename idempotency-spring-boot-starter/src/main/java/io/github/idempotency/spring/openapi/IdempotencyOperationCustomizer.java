package io.github.idempotency.spring.openapi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.web.IdempotencyProblem;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OperationCustomizer;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * Documents what {@code @Idempotent} adds to an operation: the idempotency key request header (required or not,
 * printable ASCII, its maximum length), the {@code Idempotent-Replayed} header on the operation's own responses
 * (any of them can be a replay), and the problem responses of the protocol (400, 409 with {@code Retry-After},
 * 422, 503 with {@code Retry-After}), each with its stable {@code type} as an example. Responses the operation
 * already documents under the same status are kept and extended, never replaced. Operations without
 * {@code @Idempotent} are left as they are.
 */
public class IdempotencyOperationCustomizer implements OperationCustomizer {

	private static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private static final String RETRY_AFTER = "Retry-After";

	private static final String KEY_EXAMPLE = "5f0c2a1e-8f5b-4d3c-9a7e-2b6d1c4e8f90";

	private final String headerName;

	private final int maxKeyLength;

	/**
	 * Creates a customizer.
	 * @param headerName name of the request header that carries the key
	 * @param maxKeyLength longest accepted key, in characters (capped at {@value IdempotencyKey#MAX_LENGTH})
	 */
	public IdempotencyOperationCustomizer(String headerName, int maxKeyLength) {
		this.headerName = headerName;
		this.maxKeyLength = Math.min(maxKeyLength, IdempotencyKey.MAX_LENGTH);
	}

	@Override
	public Operation customize(Operation operation, HandlerMethod handlerMethod) {
		Idempotent idempotent = AnnotatedElementUtils.findMergedAnnotation(handlerMethod.getMethod(), Idempotent.class);
		if (idempotent == null) {
			return operation;
		}
		boolean keyFromHeader = idempotent.key().isEmpty() && idempotent.keySource() == Idempotent.KeySource.HEADER;
		if (keyFromHeader) {
			addKeyHeader(operation, idempotent.required());
		}
		ApiResponses responses = ownCopy(operation.getResponses());
		operation.setResponses(responses);
		responses.values().forEach((response) -> addHeader(response, REPLAYED_HEADER, replayedHeader()));
		for (DocumentedProblem problem : problems(keyFromHeader, idempotent.required())) {
			addProblem(responses, problem);
		}
		return operation;
	}

	/**
	 * A copy of the operation's responses to change: springdoc may hand the same response object (one an
	 * {@code @ControllerAdvice} documents) to several operations, and operations without {@code @Idempotent} must
	 * not get what is added here.
	 */
	private static ApiResponses ownCopy(ApiResponses responses) {
		ApiResponses copy = new ApiResponses();
		if (responses == null) {
			return copy;
		}
		copy.setExtensions(responses.getExtensions());
		responses.forEach((code, response) -> copy.addApiResponse(code, copyOf(response)));
		return copy;
	}

	private static ApiResponse copyOf(ApiResponse response) {
		if (response.get$ref() != null) {
			return response;
		}
		ApiResponse copy = new ApiResponse().description(response.getDescription());
		copy.setLinks(response.getLinks());
		copy.setExtensions(response.getExtensions());
		if (response.getHeaders() != null) {
			copy.setHeaders(new LinkedHashMap<>(response.getHeaders()));
		}
		if (response.getContent() != null) {
			Content content = new Content();
			response.getContent().forEach((type, mediaType) -> content.addMediaType(type, copyOf(mediaType)));
			copy.setContent(content);
		}
		return copy;
	}

	private static MediaType copyOf(MediaType mediaType) {
		MediaType copy = new MediaType().schema(mediaType.getSchema());
		if (mediaType.getExample() != null) {
			copy.setExample(mediaType.getExample());
		}
		if (mediaType.getExamples() != null) {
			copy.setExamples(new LinkedHashMap<>(mediaType.getExamples()));
		}
		copy.setEncoding(mediaType.getEncoding());
		copy.setExtensions(mediaType.getExtensions());
		return copy;
	}

	private static Set<DocumentedProblem> problems(boolean keyFromHeader, boolean required) {
		Set<DocumentedProblem> problems = EnumSet.of(DocumentedProblem.REQUEST_IN_PROGRESS,
				DocumentedProblem.KEY_MISMATCH, DocumentedProblem.STORE_UNAVAILABLE);
		if (keyFromHeader) {
			problems.add(DocumentedProblem.INVALID_KEY);
			if (required) {
				problems.add(DocumentedProblem.MISSING_KEY);
			}
		}
		return problems;
	}

	private void addKeyHeader(Operation operation, boolean required) {
		List<Parameter> parameters = (operation.getParameters() != null) ? operation.getParameters() : List.of();
		boolean declared = parameters.stream()
			.anyMatch((parameter) -> "header".equals(parameter.getIn())
					&& this.headerName.equalsIgnoreCase(parameter.getName()));
		if (declared) {
			return;
		}
		Schema<String> schema = new StringSchema().minLength(1).maxLength(this.maxKeyLength).pattern("^[ -~]+$");
		schema.setExample(KEY_EXAMPLE);
		Parameter header = new HeaderParameter().name(this.headerName)
			.required(required)
			.schema(schema)
			.description("Unique key of this request, chosen by the client (a UUID is a good choice) and sent again "
					+ "unchanged with every retry of the same request: a retry gets the first response back instead "
					+ "of running the operation again. 1 to " + this.maxKeyLength + " printable ASCII characters, "
					+ "sent bare or as a quoted string (RFC 8941). "
					+ (required ? "Required: a request without it is refused with 400."
							: "Optional: a request without it runs unprotected."));
		operation.addParametersItem(header);
	}

	private static Header replayedHeader() {
		Schema<String> schema = new StringSchema();
		schema.setEnum(new ArrayList<>(List.of("true")));
		return new Header().schema(schema)
			.description("Present, with the value true, when this response is the stored response of an earlier "
					+ "request with the same idempotency key: the operation did not run again.");
	}

	private static Header retryAfterHeader() {
		return new Header().schema(new IntegerSchema().minimum(BigDecimal.ONE))
			.description("Seconds to wait before retrying with the same idempotency key.");
	}

	private static void addHeader(ApiResponse response, String name, Header header) {
		// a $ref points at a response in components, which other operations share
		if (response.get$ref() != null) {
			return;
		}
		if (response.getHeaders() == null || !response.getHeaders().containsKey(name)) {
			response.addHeaderObject(name, header);
		}
	}

	private static void addProblem(ApiResponses responses, DocumentedProblem problem) {
		String code = Integer.toString(problem.status());
		String explanation = problem.when() + " Problem type: " + problem.type();
		ApiResponse response = responses.get(code);
		if (response != null && response.get$ref() != null) {
			return;
		}
		if (response == null) {
			response = new ApiResponse().description(explanation);
			responses.addApiResponse(code, response);
		}
		else if (response.getDescription() == null || !response.getDescription().contains(problem.type())) {
			String description = response.getDescription();
			response.setDescription(
					(description == null || description.isBlank()) ? explanation : description + "\n\n" + explanation);
		}
		if (problem.sendsRetryAfter()) {
			addHeader(response, RETRY_AFTER, retryAfterHeader());
		}
		if (response.getContent() == null) {
			response.setContent(new Content());
		}
		MediaType mediaType = response.getContent().get(IdempotencyProblem.MEDIA_TYPE);
		if (mediaType == null) {
			mediaType = new MediaType().schema(problemSchema());
			response.getContent().addMediaType(IdempotencyProblem.MEDIA_TYPE, mediaType);
		}
		if (mediaType.getExamples() == null || !mediaType.getExamples().containsKey(problem.exampleName())) {
			mediaType.addExamples(problem.exampleName(),
					new Example().summary(problem.title()).value(problem.exampleBody()));
		}
	}

	private static Schema<Object> problemSchema() {
		Schema<Object> schema = new ObjectSchema().description("RFC 9457 problem details");
		schema.addProperty("type", new StringSchema().format("uri")
			.description("Stable identifier of the problem; compare it, do not fetch it"));
		schema.addProperty("title", new StringSchema().description("Short summary of the problem type"));
		schema.addProperty("status", new IntegerSchema().description("HTTP status"));
		schema.addProperty("detail", new StringSchema().description("Explanation of this occurrence"));
		return schema;
	}

}
