package io.github.idempotency.spring.jpa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code headers} column: one {@code name: value} line per value, in order. {@code %}, CR, LF and (in names)
 * {@code :} are percent-encoded, so any name and value survive the round trip, and an operator can still read the
 * column. Needs no JSON library.
 */
final class HeaderColumn {

	private HeaderColumn() {
	}

	static String encode(Map<String, List<String>> headers) {
		StringBuilder text = new StringBuilder();
		headers.forEach((name, values) -> {
			for (String value : values) {
				escape(text, name, true);
				text.append(": ");
				escape(text, value, false);
				text.append('\n');
			}
		});
		return text.toString();
	}

	/**
	 * Decodes the column.
	 * @param text the column's value
	 * @return the headers
	 * @throws IllegalArgumentException when the text is not in this format
	 */
	static Map<String, List<String>> decode(String text) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		if (text == null || text.isEmpty()) {
			return headers;
		}
		if (text.charAt(text.length() - 1) != '\n') {
			throw new IllegalArgumentException("The headers column does not end with a line feed");
		}
		int start = 0;
		while (start < text.length()) {
			int end = text.indexOf('\n', start);
			int separator = text.indexOf(": ", start);
			if (separator < 0 || separator > end) {
				throw new IllegalArgumentException("A header line has no ': ' separator");
			}
			String name = unescape(text.substring(start, separator));
			String value = unescape(text.substring(separator + 2, end));
			headers.computeIfAbsent(name, (n) -> new ArrayList<>()).add(value);
			start = end + 1;
		}
		return headers;
	}

	private static void escape(StringBuilder text, String part, boolean name) {
		for (int i = 0; i < part.length(); i++) {
			char c = part.charAt(i);
			switch (c) {
				case '%' -> text.append("%25");
				case '\n' -> text.append("%0A");
				case '\r' -> text.append("%0D");
				case ':' -> text.append(name ? "%3A" : ":");
				default -> text.append(c);
			}
		}
	}

	private static String unescape(String part) {
		if (part.indexOf('%') < 0) {
			return part;
		}
		StringBuilder text = new StringBuilder(part.length());
		for (int i = 0; i < part.length(); i++) {
			char c = part.charAt(i);
			if (c != '%') {
				text.append(c);
				continue;
			}
			if (i + 2 >= part.length()) {
				throw new IllegalArgumentException("A header has a truncated escape");
			}
			text.append((char) Integer.parseInt(part.substring(i + 1, i + 3), 16));
			i += 2;
		}
		return text.toString();
	}

}
