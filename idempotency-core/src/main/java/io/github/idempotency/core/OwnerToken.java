package io.github.idempotency.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fencing token of one execution: every write to a record (complete, release, renew) must present the token
 * of the execution that holds it, so an execution whose lease was taken over can no longer change the record.
 *
 * @param value an opaque, unique string
 */
public record OwnerToken(String value) {

	public OwnerToken {
		Objects.requireNonNull(value, "value");
		if (value.isEmpty()) {
			throw new IllegalArgumentException("An owner token is not empty");
		}
	}

	/**
	 * A new token: 128 random bits. Uniqueness, not secrecy, is what fencing needs, so a fast generator will do.
	 * @return a token never handed out before (with overwhelming probability)
	 */
	public static OwnerToken random() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		// 32 lowercase hex digits, the top bit of each half set so that each has 16: one string, not three
		byte[] hex = new byte[32];
		writeHex(random.nextLong() | Long.MIN_VALUE, hex, 0);
		writeHex(random.nextLong() | Long.MIN_VALUE, hex, 16);
		return new OwnerToken(new String(hex, StandardCharsets.ISO_8859_1));
	}

	private static void writeHex(long bits, byte[] into, int offset) {
		for (int i = 15; i >= 0; i--) {
			int digit = (int) (bits & 0xF);
			into[offset + i] = (byte) ((digit < 10) ? '0' + digit : 'a' + digit - 10);
			bits >>>= 4;
		}
	}

	@Override
	public String toString() {
		return this.value;
	}

}
