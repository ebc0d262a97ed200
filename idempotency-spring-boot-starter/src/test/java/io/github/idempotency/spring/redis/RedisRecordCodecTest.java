package io.github.idempotency.spring.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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

/**
 * The stored form of records: version 2 as the scripts write it (built here byte by byte, as the Lua does), and
 * version 1, which earlier versions of the store wrote and which is still read.
 */
class RedisRecordCodecTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final long DEADLINE = 1_763_870_000_123L;

	@Test
	void decodesAnOngoingRecordAsTheClaimScriptWritesIt() {
		OwnerToken owner = OwnerToken.random();
		byte[] stored = version2('O', DEADLINE, RedisRecordCodec.encodeFingerprint(FINGERPRINT), owner.value(),
				new byte[0]);

		assertThat(RedisRecordCodec.decode(stored))
			.isEqualTo(IdempotencyRecord.ongoing(owner, FINGERPRINT, Instant.ofEpochMilli(DEADLINE)));
	}

	@Test
	void decodesAFinishedRecordWithItsResponseAsTheCompletionScriptWritesIt() {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		headers.put("Content-Type", List.of("application/json"));
		headers.put("Location", List.of("/payments/7"));
		headers.put("Link", List.of("<a>", "<b|ü>"));
		headers.put("X-Custom", List.of("application/json;charset=utf-8"));
		StoredResponse response = StoredResponse.of(201, headers,
				"{\"id\":7}|\0binary".getBytes(StandardCharsets.UTF_8));
		byte[] stored = version2('K', DEADLINE, RedisRecordCodec.encodeFingerprint(FINGERPRINT), "",
				RedisRecordCodec.encodeResponse(response));

		IdempotencyRecord record = RedisRecordCodec.decode(stored);

		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(record.response()).isEqualTo(response);
		assertThat(record.response().headers().keySet()).containsExactly("Content-Type", "Location", "Link",
				"X-Custom");
		assertThat(record.expiresAt()).isEqualTo(Instant.ofEpochMilli(DEADLINE));
	}

	@Test
	void keepsTheNotRetainedMarkerAndAnErrorState() {
		StoredResponse response = StoredResponse.notRetained(402, Map.of());
		byte[] stored = version2('E', 1, RedisRecordCodec.encodeFingerprint(FINGERPRINT), "",
				RedisRecordCodec.encodeResponse(response));

		IdempotencyRecord record = RedisRecordCodec.decode(stored);

		assertThat(record.state()).isEqualTo(RecordState.FINISHED_ERROR);
		assertThat(record.response().bodyRetained()).isFalse();
		assertThat(record.response().status()).isEqualTo(402);
		assertThat(record.response().headers()).isEqualTo(response.headers());
	}

	@Test
	void storesAVersionOneFingerprintAsItsSha256InThirtyThreeBytes() {
		byte[] encoded = RedisRecordCodec.encodeFingerprint(FINGERPRINT);

		assertThat(encoded).hasSize(33);
		assertThat(encoded[0]).isEqualTo((byte) 1);
		assertThat(HexFormat.of().formatHex(encoded, 1, 33)).isEqualTo(FINGERPRINT.value().substring(3));
	}

	@ParameterizedTest
	@ValueSource(strings = { "v01:", "v0:", "v256:", "v1000:", "v123456789:" })
	void storesAFingerprintThatTheCompactFormWouldNotGiveBackAsText(String version) {
		RequestFingerprint fingerprint = new RequestFingerprint(version + FINGERPRINT.value().substring(3));
		byte[] stored = version2('O', DEADLINE, RedisRecordCodec.encodeFingerprint(fingerprint), "owner",
				new byte[0]);

		assertThat(RedisRecordCodec.encodeFingerprint(fingerprint)[0]).isZero();
		assertThat(RedisRecordCodec.decode(stored).fingerprint()).isEqualTo(fingerprint);
	}

	@Test
	void takesTheClaimingRequestsFingerprintWhenTheRecordHoldsIt() {
		byte[] storedFingerprint = RedisRecordCodec.encodeFingerprint(FINGERPRINT);
		StoredResponse response = StoredResponse.of(201, Map.of("Content-Type", List.of("application/json")),
				"{\"id\":7}".getBytes(StandardCharsets.UTF_8));
		byte[] stored = version2('K', DEADLINE, storedFingerprint, "", RedisRecordCodec.encodeResponse(response));

		IdempotencyRecord record = RedisRecordCodec.decode(stored, FINGERPRINT, storedFingerprint);

		assertThat(RedisRecordCodec.readsBackExactly(storedFingerprint)).isTrue();
		assertThat(record.fingerprint()).isSameAs(FINGERPRINT);
		assertThat(record).isEqualTo(RedisRecordCodec.decode(stored));
	}

	@Test
	void decodesTheStoredFingerprintWhenItIsAnotherRequests() {
		RequestFingerprint other = RequestFingerprint.of("POST", "/payments", "{\"amount\":1}");
		byte[] stored = version2('O', DEADLINE, RedisRecordCodec.encodeFingerprint(FINGERPRINT), "owner",
				new byte[0]);

		IdempotencyRecord record = RedisRecordCodec.decode(stored, other, RedisRecordCodec.encodeFingerprint(other));

		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "v01:", "v0:", "v256:", "v1000:" })
	void doesNotTakeAFingerprintStoredAsText(String version) {
		RequestFingerprint fingerprint = new RequestFingerprint(version + FINGERPRINT.value().substring(3));
		byte[] storedFingerprint = RedisRecordCodec.encodeFingerprint(fingerprint);
		byte[] stored = version2('O', DEADLINE, storedFingerprint, "owner", new byte[0]);

		assertThat(RedisRecordCodec.readsBackExactly(storedFingerprint)).isFalse();
		assertThat(RedisRecordCodec.decode(stored, null, null).fingerprint()).isEqualTo(fingerprint);
	}

	@Test
	void storesTheUsualJsonResponseInSixBytesBesideItsBody() {
		byte[] encoded = RedisRecordCodec.encodeResponse(
				StoredResponse.of(201, Map.of("Content-Type", List.of("application/json")), new byte[128]));

		// status and flag 2, one header 1, its name 1, one value 1, the value 1, body 128
		assertThat(encoded).hasSize(134);
	}

	@Test
	void keepsAFinishedRecordWithA128ByteJsonBodyWithin188Bytes() {
		// 188 bytes is the most that Redis keeps in a 192-byte allocation (3 bytes of header, 1 terminator)
		byte[] stored = version2('K', DEADLINE, RedisRecordCodec.encodeFingerprint(FINGERPRINT), "",
				RedisRecordCodec.encodeResponse(
						StoredResponse.of(201, Map.of("Content-Type", List.of("application/json")), new byte[128])));

		assertThat(stored).hasSize(176);
	}

	@Test
	void decodesAVersionOneOngoingRecord() {
		OwnerToken owner = OwnerToken.random();
		byte[] stored = Version1Records.ongoing(DEADLINE, FINGERPRINT, owner);

		assertThat(new String(stored, StandardCharsets.UTF_8))
			.isEqualTo("1O001763870000123|" + FINGERPRINT.value() + "|" + owner.value() + "|");
		assertThat(RedisRecordCodec.decode(stored))
			.isEqualTo(IdempotencyRecord.ongoing(owner, FINGERPRINT, Instant.ofEpochMilli(DEADLINE)));
	}

	@Test
	void decodesAVersionOneFinishedRecordWithItsResponse() {
		StoredResponse response = StoredResponse.of(201,
				Map.of("Location", List.of("/payments/7"), "Link", List.of("<a>", "<b|ü>")),
				"{\"id\":7}|\0binary".getBytes(StandardCharsets.UTF_8));
		byte[] stored = Version1Records.finished('K', DEADLINE, FINGERPRINT, response);

		IdempotencyRecord record = RedisRecordCodec.decode(stored);

		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(record.response()).isEqualTo(response);
		assertThat(record.expiresAt()).isEqualTo(Instant.ofEpochMilli(DEADLINE));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "garbage", "3O001763870000123|", "1X001763870000123|v1:|x|",
			"1O00176387000012x|", "1O001763870000123|not-a-fingerprint|owner|",
			"1O001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000|owner|extra",
			"1O001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000||",
			"1K001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000|owner|",
			"1K001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000||\0\0",
			"1O001763870000123|v1:0000000000000000000000000000000000000000000000000000000000000000", "2", "2O",
			"2O\0\0\0\0\0\1", "2X\0\0\0\0\0\1\0\2v1\0" })
	void refusesARecordItCannotDecode(String stored) {
		assertThatExceptionOfType(CorruptRecordException.class)
			.isThrownBy(() -> RedisRecordCodec.decode(stored.getBytes(StandardCharsets.ISO_8859_1)));
	}

	@Test
	void refusesVersionTwoRecordsThatAreTruncatedOrInconsistent() {
		byte[] fingerprint = RedisRecordCodec.encodeFingerprint(FINGERPRINT);
		byte[] response = RedisRecordCodec
			.encodeResponse(StoredResponse.of(200, Map.of("X-Custom", List.of("some value")), new byte[0]));
		byte[] truncated = new byte[response.length - 3];
		System.arraycopy(response, 0, truncated, 0, truncated.length);

		assertCorrupt(version2('K', DEADLINE, fingerprint, "", truncated));
		assertCorrupt(version2('K', DEADLINE, fingerprint, "owner", response));
		assertCorrupt(version2('O', DEADLINE, fingerprint, "", new byte[0]));
		assertCorrupt(version2('O', DEADLINE, fingerprint, "owner", response));
		assertCorrupt(version2('K', DEADLINE, new byte[] { 1, 2, 3 }, "", response));
		// a well-known string beyond the table
		assertCorrupt(version2('K', DEADLINE, fingerprint, "", new byte[] { 0x01, (byte) 0x90, 1, 127, 0 }));
	}

	private static void assertCorrupt(byte[] stored) {
		assertThatExceptionOfType(CorruptRecordException.class).isThrownBy(() -> RedisRecordCodec.decode(stored));
	}

	/** A version 2 record as the scripts write it. */
	private static byte[] version2(char state, long deadline, byte[] fingerprint, String owner, byte[] response) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write('2');
		out.write(state);
		for (int shift = 40; shift >= 0; shift -= 8) {
			out.write((int) (deadline >>> shift));
		}
		out.writeBytes(fingerprint);
		byte[] ownerBytes = owner.getBytes(StandardCharsets.UTF_8);
		out.write(ownerBytes.length);
		out.writeBytes(ownerBytes);
		out.writeBytes(response);
		return out.toByteArray();
	}

}
