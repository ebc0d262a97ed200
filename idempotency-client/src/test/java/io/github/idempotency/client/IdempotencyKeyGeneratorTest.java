package io.github.idempotency.client;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyKeyGeneratorTest {

	@Test
	void uuidV7KeysCarryVersionVariantAndTheClocksMilliseconds() {
		Instant now = Instant.parse("2026-12-01T10:15:30.123Z");
		UUID key = UUID.fromString(IdempotencyKeyGenerator.uuidV7(Clock.fixed(now, ZoneOffset.UTC)).generate());
		assertThat(key.version()).isEqualTo(7);
		assertThat(key.variant()).isEqualTo(2);
		assertThat(key.getMostSignificantBits() >>> 16).isEqualTo(now.toEpochMilli());
	}

	@Test
	void uuidV7KeysOfOneMillisecondDiffer() {
		IdempotencyKeyGenerator generator = IdempotencyKeyGenerator
			.uuidV7(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
		Set<String> keys = new HashSet<>();
		for (int i = 0; i < 1_000; i++) {
			keys.add(generator.generate());
		}
		assertThat(keys).hasSize(1_000);
	}

	@Test
	void randomUuidKeysAreVersion4() {
		assertThat(UUID.fromString(IdempotencyKeyGenerator.randomUuid().generate()).version()).isEqualTo(4);
	}

}
