package io.github.idempotency.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over length-prefixed parts, so that {@code ("ab", "c")} and {@code ("a", "bc")} never collide.
 */
final class Sha256 {

	private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	// copied rather than looked up for every key and fingerprint: a lookup walks the security providers
	private static final MessageDigest PROTOTYPE = newDigest();

	private final MessageDigest digest;

	private final byte[] length = new byte[4];

	Sha256() {
		this.digest = copyOfPrototype();
	}

	private static MessageDigest copyOfPrototype() {
		try {
			return (MessageDigest) PROTOTYPE.clone();
		}
		catch (CloneNotSupportedException ex) {
			// a provider whose digests cannot be copied: look one up each time
			return newDigest();
		}
	}

	private static MessageDigest newDigest() {
		try {
			return MessageDigest.getInstance("SHA-256");
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
		// one update for the prefix rather than four: each update of a single byte is a call through the provider
		this.length[0] = (byte) (length >>> 24);
		this.length[1] = (byte) (length >>> 16);
		this.length[2] = (byte) (length >>> 8);
		this.length[3] = (byte) length;
		this.digest.update(this.length, 0, 4);
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
		return hex("");
	}

	/**
	 * The digest in lower-case hex after an ASCII prefix, built in one array rather than formatted and then
	 * concatenated: it runs for every key and fingerprint.
	 */
	String hex(String asciiPrefix) {
		byte[] hash = this.digest.digest();
		int start = asciiPrefix.length();
		byte[] text = new byte[start + hash.length * 2];
		for (int i = 0; i < start; i++) {
			text[i] = (byte) asciiPrefix.charAt(i);
		}
		for (int i = 0; i < hash.length; i++) {
			text[start + 2 * i] = HEX_DIGITS[(hash[i] >>> 4) & 0xF];
			text[start + 2 * i + 1] = HEX_DIGITS[hash[i] & 0xF];
		}
		return new String(text, StandardCharsets.US_ASCII);
	}

}
