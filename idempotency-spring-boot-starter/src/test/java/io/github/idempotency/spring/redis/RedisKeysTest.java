package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.StorageKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis keys of records: the format that every stored record is found under, so it must never change.
 */
class RedisKeysTest {

	private final RedisKeys keys = new RedisKeys("idempotency:");

	@Test
	void aKeyIsThePrefixAndTheFirst240BitsOfTheStorageKeyInBase64UrlAsAHashTag() {
		for (int i = 0; i < 1000; i++) {
			StorageKey key = IdempotencyKey.of("", "POST /payments", UUID.randomUUID().toString()).storageKey();
			byte[] hash = HexFormat.of().parseHex(key.value(), 0, 60);
			String expected = "idempotency:{" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash) + "}";

			assertThat(new String(this.keys.of(key), StandardCharsets.US_ASCII)).isEqualTo(expected);
		}
	}

	@Test
	void everyBase64UrlCharacterIsWrittenAsTheEncoderWritesIt() {
		for (int sixBits = 0; sixBits < 64; sixBits++) {
			int group = (sixBits << 18) | (sixBits << 12) | (sixBits << 6) | sixBits;
			String hex = String.format("%06x", group).repeat(10) + "abcd";
			String expected = "idempotency:{"
					+ Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex, 0, 60))
					+ "}";

			assertThat(new String(this.keys.of(new StorageKey(hex)), StandardCharsets.US_ASCII)).isEqualTo(expected);
		}
	}

	@Test
	void theLegacyKeyIsThePrefixAndTheStorageKeysHexDigitsAsAHashTag() {
		StorageKey key = IdempotencyKey.of("", "POST /payments", "k").storageKey();

		assertThat(new String(this.keys.legacy(key), StandardCharsets.US_ASCII))
			.isEqualTo("idempotency:{" + key.value() + "}");
	}

}
