package io.github.idempotency.spring.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.github.idempotency.core.RequestFingerprint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;

/**
 * What a repeated key must match for a controller handler: the HTTP method, the route template, the concrete path
 * and query, and the body as the endpoint's {@link BodyFingerprint} says, with multipart parts and form parameters
 * that the container parsed from its own stream.
 */
final class ServletRequestFingerprint {

	private ServletRequestFingerprint() {
	}

	/**
	 * Fingerprints a request.
	 * @param request the request, its body digested as it was read
	 * @param route the route template the request was mapped with
	 * @param bodyMode what of the body the fingerprint covers
	 * @return the fingerprint
	 * @throws IOException when the rest of the body or a part cannot be read
	 * @throws ServletException when the container cannot parse the parts
	 */
	static RequestFingerprint of(BodyDigestingRequest request, String route, BodyFingerprint bodyMode)
			throws IOException, ServletException {
		// the route template scopes the key; the concrete path and query say which resource the request is for, so
		// the same key sent for another id or another query string is a mismatch, not a replay
		String query = request.getQueryString();
		RequestFingerprint.Builder builder = RequestFingerprint.builder()
			.add(request.getMethod())
			.add(route)
			.add(request.getRequestURI())
			.add((query != null) ? query : "")
			.add(request.bodyDigest(bodyMode));
		if (bodyMode == BodyFingerprint.NONE) {
			return builder.build();
		}
		String contentType = request.getContentType();
		if (contentType != null && contentType.regionMatches(true, 0, "multipart/", 0, 10)) {
			// the container parses multipart bodies from its own stream, which the body digest never sees
			for (Part part : request.getParts()) {
				builder.add(part.getName());
				builder.add(Objects.toString(part.getSubmittedFileName(), ""));
				builder.add(Objects.toString(part.getContentType(), ""));
				builder.add(digest(part));
			}
		}
		if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
			// the container may have parsed a form body before anyone read the stream
			for (Map.Entry<String, String[]> parameter : new TreeMap<>(request.getParameterMap()).entrySet()) {
				builder.add(parameter.getKey());
				for (String value : parameter.getValue()) {
					builder.add(value);
				}
			}
		}
		return builder.build();
	}

	private static byte[] digest(Part part) throws IOException {
		try (InputStream content = part.getInputStream()) {
			return BodyDigestingRequest.sha256(content);
		}
	}

}
