package io.github.idempotency.spring.web;

import java.util.Enumeration;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.InvalidIdempotencyKeyException;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Reads the idempotency key header. Accepts a bare token, as Stripe's clients send it
 * ({@code Idempotency-Key: 8e03978e}), and a Structured Field string, as the IETF draft writes it
 * ({@code Idempotency-Key: "8e03978e"}, with {@code \"} and {@code \\} escapes). The key must be 1 to
 * {@code key-max-length} printable ASCII characters; a header sent twice, or folded into a comma-separated list, is
 * invalid (a comma is accepted inside a quoted string only).
 */
final class IdempotencyKeyHeader {

	private final String name;

	private final int maxLength;

	IdempotencyKeyHeader(String name, int maxLength) {
		this.name = name;
		this.maxLength = maxLength;
	}

	String name() {
		return this.name;
	}

	/**
	 * Reads the key of a request.
	 * @param request the request
	 * @return the key, or {@code null} when the header is absent
	 * @throws InvalidIdempotencyKeyException when the header is present but unusable
	 */
	@Nullable String read(HttpServletRequest request) {
		Enumeration<String> values = request.getHeaders(this.name);
		if (values == null || !values.hasMoreElements()) {
			return null;
		}
		String value = values.nextElement();
		if (values.hasMoreElements()) {
			throw new InvalidIdempotencyKeyException("The " + this.name + " header was sent more than once");
		}
		return parse(value);
	}

	/**
	 * Parses a header value.
	 * @param value the raw value
	 * @return the key
	 * @throws InvalidIdempotencyKeyException when the value is unusable
	 */
	String parse(String value) {
		String trimmed = value.strip();
		if (trimmed.indexOf(',') >= 0 && (trimmed.isEmpty() || trimmed.charAt(0) != '"')) {
			// a list: the header sent twice and folded into one line by a proxy, or a client that sent two keys
			throw new InvalidIdempotencyKeyException("The " + this.name + " header holds a list of values, not one key");
		}
		String key = (trimmed.length() >= 2 && trimmed.charAt(0) == '"') ? unquote(trimmed) : trimmed;
		IdempotencyKey.validate(key, this.maxLength);
		return key;
	}

	private static String unquote(String quoted) {
		if (quoted.charAt(quoted.length() - 1) != '"') {
			throw new InvalidIdempotencyKeyException("The idempotency key has an unterminated quoted string");
		}
		StringBuilder key = new StringBuilder(quoted.length() - 2);
		for (int i = 1; i < quoted.length() - 1; i++) {
			char c = quoted.charAt(i);
			if (c == '\\') {
				if (i + 1 >= quoted.length() - 1) {
					throw new InvalidIdempotencyKeyException("The idempotency key ends with a lone backslash");
				}
				char escaped = quoted.charAt(++i);
				if (escaped != '"' && escaped != '\\') {
					throw new InvalidIdempotencyKeyException(
							"The idempotency key has an escape other than \\\" or \\\\ at position " + i);
				}
				key.append(escaped);
			}
			else if (c == '"') {
				throw new InvalidIdempotencyKeyException("The idempotency key has an unescaped quote at position " + i);
			}
			else {
				key.append(c);
			}
		}
		return key.toString();
	}

}
