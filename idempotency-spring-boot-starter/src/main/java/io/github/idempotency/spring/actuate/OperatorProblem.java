package io.github.idempotency.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.MimeType;

/**
 * The RFC 9457 problems the endpoint answers, each with a stable {@code type} under the library's problem base.
 */
final class OperatorProblem {

	static final String BASE = "https://idempotency.github.io/problems/";

	static final MimeType MEDIA_TYPE = MimeType.valueOf("application/problem+json");

	private OperatorProblem() {
	}

	/** The operator's request cannot be acted on: an unknown endpoint, a malformed id, a missing version. */
	static WebEndpointResponse<Object> badRequest(String detail) {
		return of("operator-request-invalid", "Invalid operator request", 400, detail, Map.of());
	}

	static WebEndpointResponse<Object> absent(String id) {
		return of("record-absent", "No record", 404, "No record is in force for this key", Map.of("id", id));
	}

	static WebEndpointResponse<Object> changed(String id, Map<String, Object> current) {
		Map<String, Object> extra = new LinkedHashMap<>(current);
		extra.put("id", id);
		return of("record-changed", "Record changed", 409,
				"The record is no longer the version presented (it was completed, taken over or written again "
						+ "since it was read); it was kept. Read it again and decide anew",
				extra);
	}

	static WebEndpointResponse<Object> unreadable(String id) {
		return of("record-unreadable", "Record cannot be read", 409,
				"The stored record cannot be decoded, so no version of it can be presented: only force=true deletes it",
				Map.of("id", id));
	}

	static WebEndpointResponse<Object> storeUnavailable(String detail) {
		return of("store-unavailable", "Idempotency store unavailable", 503, detail, Map.of());
	}

	private static WebEndpointResponse<Object> of(String slug, String title, int status, String detail,
			Map<String, Object> extra) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", BASE + slug);
		body.put("title", title);
		body.put("status", status);
		body.put("detail", detail);
		body.putAll(extra);
		return new WebEndpointResponse<>(body, status, MEDIA_TYPE);
	}

}
