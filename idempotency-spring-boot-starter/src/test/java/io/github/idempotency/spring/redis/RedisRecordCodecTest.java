package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.CorruptRecordException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RedisRecordCodecTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	@Test
	void decodesAnOngoingRecordAsTheClaimScriptWritesIt() {
		OwnerToken owner = OwnerToken.random();
		byte[] stored = ("1O001763870000123|" + FINGERPRINT.value() + "|" + owner.value() + "|")
			.getBytes(StandardCharsets.UTF_8);

		assertThat(RedisRecordCodec.decode(stored)).isEqualTo(
				IdempotencyRecord.ongoing(owner, FINGERPRINT, Instant.ofEpochMilli(1_763_870_000_123L)));
	}

	@Test
	void decodesAFinishedRecordWithItsResponseAsTheCompletionScriptWritesIt() {
		StoredResponse response = StoredResponse.of(201,
				Map.of("Location", List.of("/payments/7"), "Link", List.of("<a>", "<b|ü>")),
				"{\"id\":7}|\0binary".getBytes(StandardCharsets.UTF_8));
		byte[] stored = concat(("1K001763870000123|" + FINGERPRINT.value() + "||").getBytes(StandardCharsets.UTF_8),
				RedisRecordCodec.encodeResponse(response));

		IdempotencyRecord record = RedisRecordCodec.decode(stored);

		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(record.response()).isEqualTo(response);
		assertThat(record.expiresAt()).isEqualTo(Instant.ofEpochMilli(1_763_870_000_123L));
	}

	@Test
	void keepsTheNotRetainedMarkerAndAnErrorState() {
		StoredResponse response = StoredResponse.notRetained(402, Map.of());
		byte[] stored = concat(("1E000000000000001|" + FINGERPRINT.value() + "||").getBytes(StandardCharsets.UTF_8),
				RedisRecordCodec.encodeResponse(response));

		IdempotencyRecord record = RedisRecordCodec.decode(stored);

		assertThat(record.state()).isEqualTo(RecordState.FINISHED_ERROR);
		assertThat(record.response().bodyRetained()).isFalse();
		assertThat(record.response().status()).isEqualTo(402);
	}

	@Test
	void encodesAResponseCompactly() {
		byte[] encoded = RedisRecordCodec
			.encodeResponse(StoredResponse.of(200, Map.of("Content-Type", List.of("application/json")), new byte[2]));

		// status 4, flags 1, one header: 1 + 1 + 12 + 1 + 1 + 16, body 2
		assertThat(encoded).hasSize(39);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "garbage", "2O001763870000123|v1:00|x|", "1X001763870000123|v1:|x|",
			"1O00176387000012x|", "1O001763870000123|not-a-fingerprint|owner|",
			"1O001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000|owner|extra",
			"1O001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000||",
			"1K001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000|owner|",
			"1K001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000||\0\0",
			"1O001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000" })
	void refusesARecordItCannotDecode(String stored) {
		assertThatExceptionOfType(CorruptRecordException.class)
			.isThrownBy(() -> RedisRecordCodec.decode(stored.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void refusesAResponseWithATruncatedHeader() {
		byte[] response = RedisRecordCodec
			.encodeResponse(StoredResponse.of(200, Map.of("Content-Type", List.of("application/json")), new byte[0]));
		byte[] truncated = new byte[response.length - 3];
		System.arraycopy(response, 0, truncated, 0, truncated.length);
		byte[] stored = concat(("1K001763870000123|" + FINGERPRINT.value() + "||").getBytes(StandardCharsets.UTF_8),
				truncated);

		assertThatExceptionOfType(CorruptRecordException.class).isThrownBy(() -> RedisRecordCodec.decode(stored));
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] result = new byte[first.length + second.length];
		System.arraycopy(first, 0, result, 0, first.length);
		System.arraycopy(second, 0, result, first.length, second.length);
		return result;
	}

}
