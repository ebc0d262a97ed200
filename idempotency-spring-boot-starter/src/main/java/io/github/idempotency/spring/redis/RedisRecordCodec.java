package io.github.idempotency.spring.redis;

import java.io.ByteArrayOutputStream;
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
import io.github.idempotency.core.store.CorruptRecordException;

/**
 * The stored form of a record, version 1. One Redis string per record, so that every write is a single
 * {@code SET ... PX} and no record exists without an expiry:
 *
 * <pre>
 * '1'                   format version
 * 'O' | 'K' | 'E'       ongoing, finished ok, finished error
 * 15 decimal digits     lease deadline or end of retention, epoch milliseconds by Redis's clock
 * '|' fingerprint '|' owner token (empty once finished) '|'
 * response              empty while ongoing; see below
 * </pre>
 *
 * The scripts read the fixed header and the two separated fields; only Java reads the response, which is: status
 * (4 bytes, big-endian), flags (1 byte, bit 0: body retained), the number of header names, then per name its bytes,
 * its number of values and each value's bytes (every count and length an unsigned LEB128 varint, strings UTF-8), and
 * the body bytes up to the end.
 */
final class RedisRecordCodec {

	static final byte VERSION = '1';

	static final int HEADER_LENGTH = 17;

	private static final byte SEPARATOR = '|';

	private static final int FLAG_BODY_RETAINED = 1;

	private RedisRecordCodec() {
	}

	/**
	 * The one-character code of a finished state, as the completion script writes it.
	 * @param state a finished state
	 * @return its code
	 */
	static String stateCode(RecordState state) {
		return switch (state) {
			case FINISHED_OK -> "K";
			case FINISHED_ERROR -> "E";
			default -> throw new IllegalArgumentException("A completion finishes the record, not " + state);
		};
	}

	static byte[] encodeResponse(StoredResponse response) {
		ByteArrayOutputStream head = new ByteArrayOutputStream(64);
		int status = response.status();
		head.write(status >>> 24);
		head.write(status >>> 16);
		head.write(status >>> 8);
		head.write(status);
		head.write(response.bodyRetained() ? FLAG_BODY_RETAINED : 0);
		writeVarint(head, response.headers().size());
		response.headers().forEach((name, values) -> {
			writeString(head, name);
			writeVarint(head, values.size());
			values.forEach((value) -> writeString(head, value));
		});
		// the body may be large: copy it once, into an array of the final size
		byte[] headBytes = head.toByteArray();
		byte[] body = response.body();
		byte[] encoded = new byte[headBytes.length + body.length];
		System.arraycopy(headBytes, 0, encoded, 0, headBytes.length);
		System.arraycopy(body, 0, encoded, headBytes.length, body.length);
		return encoded;
	}

	/**
	 * Decodes a stored record.
	 * @param value the stored bytes
	 * @return the record
	 * @throws CorruptRecordException when the bytes are not a record of a known version
	 */
	static IdempotencyRecord decode(byte[] value) {
		try {
			return doDecode(value);
		}
		catch (CorruptRecordException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new CorruptRecordException("An idempotency record in Redis cannot be decoded", ex);
		}
	}

	private static IdempotencyRecord doDecode(byte[] value) {
		if (value.length < HEADER_LENGTH + 3 || value[0] != VERSION || value[HEADER_LENGTH] != SEPARATOR) {
			throw corrupt("it is not a version 1 record");
		}
		RecordState state = switch (value[1]) {
			case 'O' -> RecordState.ONGOING;
			case 'K' -> RecordState.FINISHED_OK;
			case 'E' -> RecordState.FINISHED_ERROR;
			default -> throw corrupt("its state is unknown");
		};
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
		return IdempotencyRecord.finished(state, fingerprint, decodeResponse(value, responseStart),
				Instant.ofEpochMilli(expiresAt));
	}

	private static StoredResponse decodeResponse(byte[] value, int start) {
		Reader reader = new Reader(value, start);
		int status = (reader.next() << 24) | (reader.next() << 16) | (reader.next() << 8) | reader.next();
		int flags = reader.next();
		if ((flags & ~FLAG_BODY_RETAINED) != 0) {
			throw corrupt("its response has unknown flags");
		}
		int headerCount = reader.varint();
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (int i = 0; i < headerCount; i++) {
			String name = reader.string();
			int valueCount = reader.varint();
			List<String> values = new ArrayList<>(Math.min(valueCount, 16));
			for (int j = 0; j < valueCount; j++) {
				values.add(reader.string());
			}
			headers.put(name, values);
		}
		byte[] body = reader.rest();
		return new StoredResponse(status, headers, body, (flags & FLAG_BODY_RETAINED) != 0);
	}

	private static int indexOf(byte[] value, byte wanted, int from) {
		for (int i = from; i < value.length; i++) {
			if (value[i] == wanted) {
				return i;
			}
		}
		throw corrupt("a separator is missing");
	}

	private static void writeString(ByteArrayOutputStream out, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		writeVarint(out, bytes.length);
		out.writeBytes(bytes);
	}

	private static void writeVarint(ByteArrayOutputStream out, int value) {
		int remaining = value;
		while ((remaining & ~0x7F) != 0) {
			out.write((remaining & 0x7F) | 0x80);
			remaining >>>= 7;
		}
		out.write(remaining);
	}

	private static CorruptRecordException corrupt(String reason) {
		return new CorruptRecordException("An idempotency record in Redis cannot be decoded: " + reason);
	}

	/** Reads the response part, failing on truncation instead of reading past the end. */
	private static final class Reader {

		private final byte[] bytes;

		private int position;

		Reader(byte[] bytes, int position) {
			this.bytes = bytes;
			this.position = position;
		}

		int next() {
			if (this.position >= this.bytes.length) {
				throw corrupt("its response is truncated");
			}
			return this.bytes[this.position++] & 0xFF;
		}

		int varint() {
			int result = 0;
			for (int shift = 0; shift < 32; shift += 7) {
				int b = next();
				result |= (b & 0x7F) << shift;
				if ((b & 0x80) == 0) {
					if (result < 0) {
						break;
					}
					return result;
				}
			}
			throw corrupt("a length in its response is out of range");
		}

		String string() {
			int length = varint();
			if (length > this.bytes.length - this.position) {
				throw corrupt("its response is truncated");
			}
			String value = new String(this.bytes, this.position, length, StandardCharsets.UTF_8);
			this.position += length;
			return value;
		}

		byte[] rest() {
			byte[] rest = new byte[this.bytes.length - this.position];
			System.arraycopy(this.bytes, this.position, rest, 0, rest.length);
			this.position = this.bytes.length;
			return rest;
		}

	}

}
