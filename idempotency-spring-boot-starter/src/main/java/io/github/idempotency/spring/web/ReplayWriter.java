package io.github.idempotency.spring.web;

import java.io.IOException;

import io.github.idempotency.core.StoredResponse;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes a whole response to the client in place of what the application wrote: a stored response replayed, or one
 * of the library's problems. It writes to the response a {@link CapturingResponse} wraps, past the capture.
 */
final class ReplayWriter {

	private ReplayWriter() {
	}

	/**
	 * Replays a stored response, marked with {@value IdempotentExchange#REPLAYED_HEADER}; a body that was not kept
	 * is answered with a {@code response-not-retained} problem.
	 * @param client the response the client receives
	 * @param stored the stored response
	 * @throws IOException when the client cannot be written to
	 */
	static void replay(HttpServletResponse client, StoredResponse stored) throws IOException {
		client.setStatus(stored.status());
		client.setHeader(IdempotentExchange.REPLAYED_HEADER, "true");
		if (stored.status() == 204 || stored.status() == 304) {
			// a status that never has a body (RFC 9110): neither a stored one nor a problem in its place
			writeHeaders(client, stored);
			sendBody(client, new byte[0]);
			return;
		}
		if (!stored.bodyRetained()) {
			stored.headers().forEach((name, values) -> {
				if (!"Content-Type".equals(name) && !StoredResponse.NOT_RETAINED_REASON_HEADER.equals(name)) {
					values.forEach((value) -> client.addHeader(name, value));
				}
			});
			problem(client, IdempotencyProblem.responseNotRetained(stored.status(), stored.notRetainedReason()));
			return;
		}
		writeHeaders(client, stored);
		if (stored.bodyLength() == 0 && stored.status() >= 400 && !stored.headers().containsKey("Content-Type")) {
			// first sent through sendError: let the container render its error page again
			client.sendError(stored.status());
			return;
		}
		sendBody(client, stored.body());
	}

	/**
	 * Sends one of the library's problems.
	 * @param client the response the client receives
	 * @param problem the problem
	 * @throws IOException when the client cannot be written to
	 */
	static void problem(HttpServletResponse client, IdempotencyProblem problem) throws IOException {
		client.setStatus(problem.status());
		client.setContentType(IdempotencyProblem.MEDIA_TYPE);
		String retryAfter = problem.retryAfterHeader();
		if (retryAfter != null) {
			client.setHeader("Retry-After", retryAfter);
		}
		sendBody(client, problem.toJson());
	}

	private static void writeHeaders(HttpServletResponse client, StoredResponse stored) {
		stored.headers().forEach((name, values) -> {
			if (StoredResponse.NOT_RETAINED_REASON_HEADER.equals(name)) {
				// the store's note of why a body is missing, not a header of the response
				return;
			}
			boolean first = true;
			for (String value : values) {
				if (first) {
					client.setHeader(name, value);
					first = false;
				}
				else {
					client.addHeader(name, value);
				}
			}
		});
	}

	private static void sendBody(HttpServletResponse client, byte[] body) throws IOException {
		client.setContentLength(body.length);
		if (body.length > 0) {
			client.getOutputStream().write(body);
		}
		client.flushBuffer();
	}

}
