package io.github.idempotency.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over length-prefixed parts, so that {@code ("ab", "c")} and {@code ("a", "bc")} never collide.
 */
final class Sha256 {

	private static final HexFormat HEX = HexFormat.of();

	private final MessageDigest digest;

	Sha256() {
		try {
			this.digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to provide SHA-256
			throw new IllegalStateException(ex);
		}
	}

	Sha256 add(String part) {
		return add(part.getBytes(StandardCharsets.UTF_8));
	}

	Sha256 add(byte[] part) {
		return add(part, 0, part.length);
	}

	Sha256 add(byte[] part, int offset, int length) {
		this.digest.update((byte) (length >>> 24));
		this.digest.update((byte) (length >>> 16));
		this.digest.update((byte) (length >>> 8));
		this.digest.update((byte) length);
		this.digest.update(part, offset, length);
		return this;
	}

	/**
	 * Whether every character of {@code value} from {@code start} on is a lower-case hex digit.
	 */
	static boolean isLowerHex(String value, int start) {
		for (int i = start; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
				return false;
			}
		}
		return true;
	}

	String hex() {
		return HEX.formatHex(this.digest.digest());
	}

}
