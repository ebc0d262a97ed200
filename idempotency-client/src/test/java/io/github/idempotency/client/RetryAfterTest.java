package io.github.idempotency.client;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

	private static final Instant NOW = Instant.parse("2026-10-21T07:28:00Z");

	@Test
	void deltaSecondsAreAWait() {
		assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
		assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
	}

	@Test
	void httpDateIsMeasuredFromNow() {
		assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:28:30 GMT", NOW)).contains(Duration.ofSeconds(30));
	}

	@Test
	void httpDateInThePastMeansRetryAtOnce() {
		assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:00:00 GMT", NOW)).contains(Duration.ZERO);
	}

	@Test
	void hugeDeltaDoesNotOverflow() {
		assertThat(RetryAfter.parse("99999999999999999999999", NOW)).hasValueSatisfying(
				(wait) -> assertThat(wait).isGreaterThan(Duration.ofDays(365)));
	}

	@Test
	void unreadableValuesAreIgnored() {
		assertThat(RetryAfter.parse("", NOW)).isEmpty();
		assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
		assertThat(RetryAfter.parse("1.5", NOW)).isEmpty();
		assertThat(RetryAfter.parse("tomorrow", NOW)).isEmpty();
	}

}
