package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;

import static io.github.idempotency.spring.redis.RecordBytes.corrupt;

/**
 * The stored form of a record written by earlier versions of the store (version 1), still read so that records
 * written before an upgrade are found (under their legacy keys, see {@link RedisKeys#legacy}):
 *
 * <pre>
 * '1'                   format version
 * 'O' | 'K' | 'E'       ongoing, finished ok, finished error
 * 15 decimal digits     lease deadline or end of retention, epoch milliseconds by Redis's clock
 * '|' fingerprint '|' owner token (empty once finished) '|'
 * response              empty while ongoing; see below
 * </pre>
 *
 * The response is: status (4 bytes, big-endian), flags (1 byte, bit 0: body retained), the number of header names,
 * then per name its bytes, its number of values and each value's bytes (every count and length an unsigned LEB128
 * varint, strings UTF-8), and the body bytes up to the end.
 */
final class LegacyRecordFormat {

	static final byte VERSION = '1';

	private static final int HEADER_LENGTH = 17;

	private static final byte SEPARATOR = '|';

	private static final int FLAG_BODY_RETAINED = 1;

	private LegacyRecordFormat() {
	}

	static IdempotencyRecord decode(byte[] value) {
		if (value.length < HEADER_LENGTH + 3 || value[0] != VERSION || value[HEADER_LENGTH] != SEPARATOR) {
			throw corrupt("it is not a version 1 record");
		}
		RecordState state = RedisRecordCodec.state(value[1]);
		long expiresAt = 0;
		for (int i = 2; i < HEADER_LENGTH; i++) {
			if (value[i] < '0' || value[i] > '9') {
				throw corrupt("its expiry is not a number");
			}
			expiresAt = expiresAt * 10 + (value[i] - '0');
		}
		int fingerprintEnd = indexOf(value, SEPARATOR, HEADER_LENGTH + 1);
		int ownerEnd = indexOf(value, SEPARATOR, fingerprintEnd + 1);
		RequestFingerprint fingerprint = new RequestFingerprint(
				new String(value, HEADER_LENGTH + 1, fingerprintEnd - HEADER_LENGTH - 1, StandardCharsets.UTF_8));
		String owner = new String(value, fingerprintEnd + 1, ownerEnd - fingerprintEnd - 1, StandardCharsets.UTF_8);
		int responseStart = ownerEnd + 1;
		if (state == RecordState.ONGOING) {
			if (responseStart != value.length) {
				throw corrupt("an ongoing record holds a response");
			}
			return IdempotencyRecord.ongoing(new OwnerToken(owner), fingerprint, Instant.ofEpochMilli(expiresAt));
		}
		if (!owner.isEmpty()) {
			throw corrupt("a finished record holds an owner");
		}
		return IdempotencyRecord.finished(state, fingerprint, decodeResponse(new RecordBytes(value, responseStart)),
				Instant.ofEpochMilli(expiresAt));
	}

	private static StoredResponse decodeResponse(RecordBytes reader) {
		int status = (int) reader.unsigned(4);
		int flags = reader.next();
		if ((flags & ~FLAG_BODY_RETAINED) != 0) {
			throw corrupt("its response has unknown flags");
		}
		int headerCount = reader.varint();
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (int i = 0; i < headerCount; i++) {
			String name = reader.string(reader.varint());
			int valueCount = reader.varint();
			List<String> values = new ArrayList<>(Math.min(valueCount, 16));
			for (int j = 0; j < valueCount; j++) {
				values.add(reader.string(reader.varint()));
			}
			headers.put(name, values);
		}
		return new StoredResponse(status, headers, reader.rest(), (flags & FLAG_BODY_RETAINED) != 0);
	}

	private static int indexOf(byte[] value, byte wanted, int from) {
		for (int i = from; i < value.length; i++) {
			if (value[i] == wanted) {
				return i;
			}
		}
		throw corrupt("a separator is missing");
	}

}
