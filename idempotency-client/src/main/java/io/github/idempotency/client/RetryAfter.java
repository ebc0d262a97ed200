package io.github.idempotency.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads a {@code Retry-After} header value (RFC 9110, section 10.2.3): either delta-seconds ({@code 120}) or an
 * HTTP-date ({@code Wed, 21 Oct 2026 07:28:00 GMT}).
 */
public final class RetryAfter {

	private RetryAfter() {
	}

	/**
	 * Parses a {@code Retry-After} value.
	 * @param value the header value
	 * @param now the current instant, against which an HTTP-date is measured
	 * @return how long to wait; zero for a date in the past; empty when the value is neither form (an unreadable
	 * header is ignored rather than trusted)
	 */
	public static Optional<Duration> parse(String value, Instant now) {
		String trimmed = value.trim();
		if (trimmed.isEmpty()) {
			return Optional.empty();
		}
		if (isDigits(trimmed)) {
			// more than 19 digits overflows a long: such a wait is "forever", capped by the caller's deadline
			return Optional.of((trimmed.length() > 18) ? Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L)
					: Duration.ofSeconds(Long.parseLong(trimmed)));
		}
		try {
			Instant date = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			Duration wait = Duration.between(now, date);
			return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
		}
		catch (DateTimeParseException ex) {
			return Optional.empty();
		}
	}

	private static boolean isDigits(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

}
