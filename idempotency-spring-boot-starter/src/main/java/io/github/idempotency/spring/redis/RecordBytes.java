package io.github.idempotency.spring.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.github.idempotency.core.store.CorruptRecordException;

/**
 * Reads a stored record's bytes, failing on truncation instead of reading past the end; and writes the unsigned
 * LEB128 varints that both versions of the format use for counts and lengths.
 */
final class RecordBytes {

	private final byte[] bytes;

	private int position;

	RecordBytes(byte[] bytes, int position) {
		this.bytes = bytes;
		this.position = position;
	}

	int next() {
		if (this.position >= this.bytes.length) {
			throw corrupt("it is truncated");
		}
		return this.bytes[this.position++] & 0xFF;
	}

	/** An unsigned big-endian integer of {@code length} bytes (at most 7). */
	long unsigned(int length) {
		long result = 0;
		for (int i = 0; i < length; i++) {
			result = (result << 8) | next();
		}
		return result;
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
		throw corrupt("a length in it is out of range");
	}

	/** The next {@code length} bytes, as UTF-8. */
	String string(int length) {
		String value = new String(this.bytes, this.position, checkLength(length), StandardCharsets.UTF_8);
		this.position += length;
		return value;
	}

	byte[] bytes(int length) {
		byte[] value = new byte[checkLength(length)];
		System.arraycopy(this.bytes, this.position, value, 0, length);
		this.position += length;
		return value;
	}

	/**
	 * Skips the next bytes when they are {@code expected}.
	 * @param expected the bytes to compare with
	 * @return whether they matched and were skipped
	 */
	boolean skipIfNext(byte[] expected) {
		int end = this.position + expected.length;
		if (end > this.bytes.length || !Arrays.equals(this.bytes, this.position, end, expected, 0, expected.length)) {
			return false;
		}
		this.position = end;
		return true;
	}

	byte[] rest() {
		return bytes(remaining());
	}

	int remaining() {
		return this.bytes.length - this.position;
	}

	private int checkLength(int length) {
		if (length > remaining()) {
			throw corrupt("it is truncated");
		}
		return length;
	}

	static void writeVarint(ByteArrayOutputStream out, int value) {
		int remaining = value;
		while ((remaining & ~0x7F) != 0) {
			out.write((remaining & 0x7F) | 0x80);
			remaining >>>= 7;
		}
		out.write(remaining);
	}

	static CorruptRecordException corrupt(String reason) {
		return new CorruptRecordException("An idempotency record in Redis cannot be decoded: " + reason);
	}

}
