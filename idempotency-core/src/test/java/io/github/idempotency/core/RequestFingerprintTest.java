package io.github.idempotency.core;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RequestFingerprintTest {

	@Test
	void isVersionOneFollowedBy64HexCharacters() {
		assertThat(RequestFingerprint.of("POST", "/payments", "{}").value()).matches("v1:[0-9a-f]{64}");
	}

	@Test
	void hasAStableKnownValue() {
		assertThat(RequestFingerprint.of("POST", "/payments", "{}").value())
			.isEqualTo("v1:d9757086b26e8f07e5f68b88622966be112f05ccc6699362b51438822e32f26a");
	}

	@Test
	void sameRequestGivesSameFingerprint() {
		assertThat(RequestFingerprint.of("POST", "/payments", "{\"amount\":1}"))
			.isEqualTo(RequestFingerprint.of("POST", "/payments", "{\"amount\":1}"));
	}

	@Test
	void differentBodyGivesDifferentFingerprint() {
		assertThat(RequestFingerprint.of("POST", "/payments", "{\"amount\":1}"))
			.isNotEqualTo(RequestFingerprint.of("POST", "/payments", "{\"amount\":2}"));
	}

	@Test
	void partsAreLengthPrefixed() {
		assertThat(RequestFingerprint.of("ab", "c")).isNotEqualTo(RequestFingerprint.of("a", "bc"));
		assertThat(RequestFingerprint.of("a", "")).isNotEqualTo(RequestFingerprint.of("a"));
	}

	@Test
	void bytesAndStringsOfTheSameTextAgree() {
		byte[] body = "{\"amount\":1}".getBytes(StandardCharsets.UTF_8);
		byte[] padded = ("xx" + "{\"amount\":1}" + "yy").getBytes(StandardCharsets.UTF_8);
		RequestFingerprint fromString = RequestFingerprint.builder().add("POST").add("{\"amount\":1}").build();
		assertThat(RequestFingerprint.builder().add("POST").add(body).build()).isEqualTo(fromString);
		assertThat(RequestFingerprint.builder().add("POST").add(padded, 2, body.length).build()).isEqualTo(fromString);
	}

	@Test
	void acceptsLaterVersionsWhenRead() {
		// a record written by a later library version stays readable
		assertThat(new RequestFingerprint("v2:" + "0".repeat(64)).value()).startsWith("v2:");
	}

	@Test
	void rejectsMalformedValues() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> new RequestFingerprint("0".repeat(64)));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RequestFingerprint("v1:" + "0".repeat(63)));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RequestFingerprint("v1:" + "A".repeat(64)));
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> new RequestFingerprint(null));
	}

	@Test
	void fitsTheStoresColumnsWithAVersionOfAtMostNineDigits() {
		assertThat(new RequestFingerprint("v123456789:" + "0".repeat(64)).value()).hasSize(75);
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RequestFingerprint("v1234567890:" + "0".repeat(64)));
	}

}
