package io.github.idempotency.spring.web;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletResponse;

/**
 * How finished responses are classified and which of their headers are replayed.
 *
 * @param replayHeaders header names kept for replay, besides {@code Content-Type}
 * @param retryableClientErrors 4xx statuses that release the key instead of being stored
 * @param maxResponseSize largest body kept, in bytes
 */
record WebResponseSettings(List<String> replayHeaders, Set<Integer> retryableClientErrors, long maxResponseSize) {

	static final List<String> DEFAULT_REPLAY_HEADERS = List.of("Location", "Content-Location", "ETag", "Last-Modified",
			"Link");

	static WebResponseSettings of(Collection<String> extraHeaders, Collection<Integer> retryableClientErrors,
			long maxResponseSize) {
		List<String> headers = new ArrayList<>(DEFAULT_REPLAY_HEADERS);
		for (String extra : extraHeaders) {
			if (headers.stream().noneMatch(extra::equalsIgnoreCase) && !"Content-Type".equalsIgnoreCase(extra)
					&& !"Set-Cookie".equalsIgnoreCase(extra) && !"Content-Length".equalsIgnoreCase(extra)) {
				headers.add(extra);
			}
		}
		return new WebResponseSettings(List.copyOf(headers), Set.copyOf(retryableClientErrors), maxResponseSize);
	}

	/**
	 * The headers of a response that are replayed: its content type first, then the replay headers it has.
	 * @param response the response
	 * @return the headers by name, values in order; not to be modified (most responses have a content type alone,
	 * which gets an immutable map)
	 */
	Map<String, List<String>> replayableHeaders(HttpServletResponse response) {
		String contentType = response.getContentType();
		Map<String, List<String>> headers = null;
		for (String name : this.replayHeaders) {
			if (!response.containsHeader(name)) {
				// a container builds a new collection for every getHeaders, even of a header that is not there
				continue;
			}
			Collection<String> values = response.getHeaders(name);
			if (values != null && !values.isEmpty()) {
				if (headers == null) {
					headers = new LinkedHashMap<>();
					if (contentType != null) {
						headers.put("Content-Type", List.of(contentType));
					}
				}
				headers.put(name, List.copyOf(values));
			}
		}
		if (headers != null) {
			return headers;
		}
		return (contentType != null) ? Map.of("Content-Type", List.of(contentType)) : Map.of();
	}

	/**
	 * Whether a final status releases the key (a retry runs again) rather than being stored.
	 * @param status the status
	 * @return {@code true} for 5xx and the retryable client errors
	 */
	boolean releases(int status) {
		return status >= 500 || this.retryableClientErrors.contains(status);
	}

}
