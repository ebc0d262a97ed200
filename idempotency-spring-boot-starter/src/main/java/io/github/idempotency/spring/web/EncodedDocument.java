package io.github.idempotency.spring.web;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The canonical encoding of a JSON document, written token by token as it is parsed, and held only until its order is
 * final and it is hashed. The encoding is tagged and length-prefixed, never text, so that no two documents share it:
 * <ul>
 * <li>object: {@code '{'}, its members (each a name string then a value) in canonical order, {@code '}'};</li>
 * <li>array: {@code '['}, its elements in order, {@code ']'};</li>
 * <li>string (value or name): {@code 's'}, its UTF-8 length as four bytes (big-endian), its UTF-8 bytes;</li>
 * <li>number: {@code 'n'}, {@code '-'} when negative, its significant digits, {@code 'e'}, the decimal exponent,
 * {@code ';'}; zero is {@code "n0;"} (see {@link CanonicalNumber});</li>
 * <li>{@code 't'}, {@code 'f'} and {@code 'z'} for true, false and null.</li>
 * </ul>
 * The bytes of this encoding are what stored fingerprints were computed from: never change them.
 */
final class EncodedDocument {

	static final byte OBJECT_START = '{';

	static final byte OBJECT_END = '}';

	static final byte ARRAY_START = '[';

	static final byte ARRAY_END = ']';

	static final byte TRUE = 't';

	static final byte FALSE = 'f';

	static final byte NULL = 'z';

	private static final byte STRING = 's';

	/** The tag and the four length bytes before a string's UTF-8 bytes. */
	static final int STRING_HEADER = 5;

	private static final byte NUMBER = 'n';

	private static final byte NUMBER_END = ';';

	private byte[] bytes = new byte[1024];

	private int size;

	/** The bytes written so far; valid up to {@link #size()}, and only until the next write. */
	byte[] bytes() {
		return this.bytes;
	}

	int size() {
		return this.size;
	}

	int capacity() {
		return this.bytes.length;
	}

	/** Forgets everything from a position on. */
	void truncate(int size) {
		this.size = size;
	}

	void write(byte tag) {
		ensure(1);
		this.bytes[this.size++] = tag;
	}

	/** Hashes a range of the bytes written. */
	void hash(MessageDigest digest, int from, int to) {
		digest.update(this.bytes, from, to - from);
	}

	/**
	 * Writes a string value from a parser's character buffer.
	 * @return the string's UTF-8 length
	 */
	int writeString(char[] chars, int offset, int length) {
		int lengthAt = startString(length);
		int end = offset + length;
		int i = offset;
		// ASCII, by far the most common text in a request body, needs no other check
		for (char c; i < end && (c = chars[i]) < 0x80; i++) {
			this.bytes[this.size++] = (byte) c;
		}
		for (; i < end; i++) {
			if (writeChar(chars[i], (i + 1 < end) ? chars[i + 1] : 0)) {
				i++;
			}
		}
		return endString(lengthAt);
	}

	/**
	 * Writes a member name, which the parser hands out as a {@code String}.
	 * @return the name's UTF-8 length
	 */
	int writeString(String value) {
		int length = value.length();
		int lengthAt = startString(length);
		int i = 0;
		for (char c; i < length && (c = value.charAt(i)) < 0x80; i++) {
			this.bytes[this.size++] = (byte) c;
		}
		for (; i < length; i++) {
			if (writeChar(value.charAt(i), (i + 1 < length) ? value.charAt(i + 1) : 0)) {
				i++;
			}
		}
		return endString(lengthAt);
	}

	/**
	 * Writes a number by its exact value.
	 * @param negative whether it is below zero
	 * @param digits the characters holding its significant digits, possibly with a decimal point among them
	 * @param from the first significant digit
	 * @param to after the last; {@code from} when the number is zero
	 * @param exponent the power of ten the digits are multiplied by
	 */
	void writeNumber(boolean negative, char[] digits, int from, int to, long exponent) {
		ensure(2 + (to - from) + 21);
		this.bytes[this.size++] = NUMBER;
		if (to <= from) {
			this.bytes[this.size++] = '0';
		}
		else {
			if (negative) {
				this.bytes[this.size++] = '-';
			}
			for (int d = from; d < to; d++) {
				if (digits[d] != '.') {
					this.bytes[this.size++] = (byte) digits[d];
				}
			}
			this.bytes[this.size++] = 'e';
			writeLong(exponent);
		}
		this.bytes[this.size++] = NUMBER_END;
	}

	/** Writes the tag and room for the byte length, with room for the longest UTF-8 of that many characters. */
	private int startString(int chars) {
		ensure(STRING_HEADER + 3 * chars);
		this.bytes[this.size++] = STRING;
		int lengthAt = this.size;
		this.size += 4;
		return lengthAt;
	}

	private int endString(int lengthAt) {
		int length = this.size - lengthAt - 4;
		this.bytes[lengthAt] = (byte) (length >>> 24);
		this.bytes[lengthAt + 1] = (byte) (length >>> 16);
		this.bytes[lengthAt + 2] = (byte) (length >>> 8);
		this.bytes[lengthAt + 3] = (byte) length;
		return length;
	}

	/**
	 * UTF-8 of one character, or of a surrogate pair with the next one.
	 * @return whether the next character was written too
	 */
	private boolean writeChar(char c, char next) {
		if (c < 0x80) {
			this.bytes[this.size++] = (byte) c;
		}
		else if (c < 0x800) {
			this.bytes[this.size++] = (byte) (0xC0 | (c >> 6));
			this.bytes[this.size++] = (byte) (0x80 | (c & 0x3F));
		}
		else if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
			int codePoint = Character.toCodePoint(c, next);
			this.bytes[this.size++] = (byte) (0xF0 | (codePoint >> 18));
			this.bytes[this.size++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
			this.bytes[this.size++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
			this.bytes[this.size++] = (byte) (0x80 | (codePoint & 0x3F));
			return true;
		}
		else {
			// a lone surrogate is kept as its own three bytes, so it still differs from every other string
			this.bytes[this.size++] = (byte) (0xE0 | (c >> 12));
			this.bytes[this.size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
			this.bytes[this.size++] = (byte) (0x80 | (c & 0x3F));
		}
		return false;
	}

	/** Decimal digits without a string; the caller ensured room for 20 characters. */
	private void writeLong(long value) {
		if (value == 0) {
			this.bytes[this.size++] = '0';
			return;
		}
		if (value < 0) {
			this.bytes[this.size++] = '-';
		}
		int start = this.size;
		// digits from the lowest, as negative values so that Long.MIN_VALUE needs no special case
		for (long rest = (value < 0) ? value : -value; rest != 0; rest /= 10) {
			this.bytes[this.size++] = (byte) ('0' - (rest % 10));
		}
		for (int i = start, j = this.size - 1; i < j; i++, j--) {
			byte swap = this.bytes[i];
			this.bytes[i] = this.bytes[j];
			this.bytes[j] = swap;
		}
	}

	private void ensure(int more) {
		if (this.size + more > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.size + more, this.bytes.length * 2));
		}
	}

}
