package io.github.idempotency.spring.web;

import io.github.idempotency.core.InvalidIdempotencyKeyException;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdempotencyKeyHeaderTest {

	private final IdempotencyKeyHeader header = new IdempotencyKeyHeader("Idempotency-Key", 255);

	@Test
	void acceptsABareTokenAsStripeClientsSendIt() {
		assertThat(this.header.parse("8e03978e-40d5-43e8-bc93-6894a57f9324"))
			.isEqualTo("8e03978e-40d5-43e8-bc93-6894a57f9324");
	}

	@Test
	void acceptsAStructuredFieldStringAsTheIetfDraftWritesIt() {
		assertThat(this.header.parse("\"8e03978e\"")).isEqualTo("8e03978e");
		assertThat(this.header.parse("\"a\\\"b\\\\c\"")).isEqualTo("a\"b\\c");
	}

	@Test
	void refusesAFoldedListOfKeysButAcceptsACommaInsideAQuotedKey() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.parse("a, b"))
			.withMessageContaining("list");
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> this.header.parse("\"a\", \"b\""));
		assertThat(this.header.parse("\"a,b\"")).isEqualTo("a,b");
	}

	@Test
	void refusesEmptyTooLongAndNonPrintableKeys() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.parse(""));
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.parse("\"\""));
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> this.header.parse("k".repeat(256)));
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.parse("caf\u00e9"));
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.parse("a\u0001b"));
	}

	@Test
	void refusesMalformedQuotedStrings() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.parse("\"abc"));
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.parse("\"a\"b\""));
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.parse("\"a\\x\""));
	}

	@Test
	void honoursAShorterConfiguredMaximum() {
		IdempotencyKeyHeader shortKeys = new IdempotencyKeyHeader("Idempotency-Key", 8);
		assertThat(shortKeys.parse("12345678")).isEqualTo("12345678");
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> shortKeys.parse("123456789"));
	}

	@Test
	void refusesTheHeaderSentTwice() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("Idempotency-Key", "a");
		request.addHeader("Idempotency-Key", "b");
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> this.header.read(request));
	}

	@Test
	void absentHeaderIsNoKey() {
		assertThat(this.header.read(new MockHttpServletRequest())).isNull();
	}

}
