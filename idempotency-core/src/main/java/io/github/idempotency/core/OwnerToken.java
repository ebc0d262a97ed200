package io.github.idempotency.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Fencing token of one execution: every write to a record (complete, release, renew) must present the token
 * of the execution that holds it, so an execution whose lease was taken over can no longer change the record.
 * <p>
 * Its {@link #value()} is an opaque, unique string; two tokens are equal when their values are. A token made by
 * {@link #random()} holds its 128 bits as two numbers only, and writes its 32 hex digits each time they are asked
 * for: the memory store compares tokens and never asks. A store that writes every token it hands out (Redis, the
 * database stores) makes them with {@link #randomWritten()}, whose digits are written once, when it is made.
 */
public final class OwnerToken {

	// the top bit of each half of a random token is set (so that each half writes as 16 digits): a negative high half
	// marks a token held as bits, and 0 one held as a string only
	private final long high;

	private final long low;

	// the string a token was made from, or its digits when made by randomWritten(): final, so that a token that
	// reaches another thread through a race still shows it. No field keeps the digits of a token made by random():
	// it would make every token 40 bytes instead of 32, and the store that makes those never asks for them
	private final @Nullable String given;

	/**
	 * A token read back from a store.
	 * @param value the token's string, as {@link #value()} returned it when the token was written
	 */
	public OwnerToken(String value) {
		Objects.requireNonNull(value, "value");
		if (value.isEmpty()) {
			throw new IllegalArgumentException("An owner token is not empty");
		}
		this.given = value;
		// a random token read back compares with the one still held as bits, so it is held as bits too
		if (isRandomForm(value)) {
			this.high = parseHex(value, 0);
			this.low = parseHex(value, 16);
		}
		else {
			this.high = 0;
			this.low = 0;
		}
	}

	private OwnerToken(long high, long low, @Nullable String given) {
		this.high = high;
		this.low = low;
		this.given = given;
	}

	/**
	 * A new token: 128 random bits. Uniqueness, not secrecy, is what fencing needs, so a fast generator will do.
	 * @return a token never handed out before (with overwhelming probability)
	 */
	public static OwnerToken random() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return new OwnerToken(random.nextLong() | Long.MIN_VALUE, random.nextLong() | Long.MIN_VALUE, null);
	}

	/**
	 * A new token as {@link #random()}, with its digits written at once: for a store that writes every token it
	 * hands out, so that {@link #value()} makes nothing however often the token is written (a claim, a completion,
	 * each renewal).
	 * @return a token never handed out before (with overwhelming probability), equal to one read back from its value
	 */
	public static OwnerToken randomWritten() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = random.nextLong() | Long.MIN_VALUE;
		long low = random.nextLong() | Long.MIN_VALUE;
		return new OwnerToken(high, low, digits(high, low));
	}

	/**
	 * The token as stores keep it: for a random token 32 lowercase hex digits, the first of each half from 8 to f.
	 * @return the token's string, never empty
	 */
	public String value() {
		return (this.given != null) ? this.given : digits(this.high, this.low);
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof OwnerToken token)) {
			return false;
		}
		if (this.high < 0 || token.high < 0) {
			// a string that is not of the random form never equals one that is
			return this.high == token.high && this.low == token.low;
		}
		return value().equals(token.value());
	}

	@Override
	public int hashCode() {
		return (this.high < 0) ? Long.hashCode(this.high * 31 + this.low) : value().hashCode();
	}

	@Override
	public String toString() {
		return value();
	}

	private static String digits(long high, long low) {
		byte[] hex = new byte[32];
		writeHex(high, hex, 0);
		writeHex(low, hex, 16);
		return new String(hex, StandardCharsets.ISO_8859_1);
	}

	private static boolean isRandomForm(String value) {
		if (value.length() != 32 || value.charAt(0) < '8' || value.charAt(16) < '8') {
			return false;
		}
		for (int i = 0; i < 32; i++) {
			char c = value.charAt(i);
			if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
				return false;
			}
		}
		return true;
	}

	private static long parseHex(String value, int offset) {
		long bits = 0;
		for (int i = offset; i < offset + 16; i++) {
			char c = value.charAt(i);
			bits = (bits << 4) | ((c <= '9') ? c - '0' : c - 'a' + 10);
		}
		return bits;
	}

	private static void writeHex(long bits, byte[] into, int offset) {
		for (int i = 15; i >= 0; i--) {
			int digit = (int) (bits & 0xF);
			into[offset + i] = (byte) ((digit < 10) ? '0' + digit : 'a' + digit - 10);
			bits >>>= 4;
		}
	}

}
