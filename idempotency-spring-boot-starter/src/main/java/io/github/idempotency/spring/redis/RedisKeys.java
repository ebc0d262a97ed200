package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;

import io.github.idempotency.core.StorageKey;

/**
 * The Redis keys of the store: {@code prefix + "{" + hash + "}"}, where the hash tag is the storage key (a SHA-256
 * of the scoped key) in 40 base64url characters (its first 240 bits), so that each record maps to one cluster slot,
 * no client key or principal name is stored, and the key takes 64 bytes of Redis memory with a prefix of up to 18
 * characters. Earlier versions of the store wrote the storage key as 64 hex characters; those legacy keys are still
 * read ({@link #legacy}).
 */
final class RedisKeys {

	private static final byte HASH_TAG_END = '}';

	// 30 of the 32 bytes: 240 bits, 40 base64 characters without padding
	private static final int HASHED_BYTES = 30;

	private static final int HASH_TAG_LENGTH = HASHED_BYTES / 3 * 4;

	private static final byte[] BASE64_URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		.getBytes(StandardCharsets.US_ASCII);

	private final byte[] prefix;

	/**
	 * Keys under the given prefix.
	 * @param keyPrefix the prefix of every key; without braces, which would change the keys' hash slot
	 * @throws IllegalArgumentException when the prefix holds a brace
	 */
	RedisKeys(String keyPrefix) {
		Objects.requireNonNull(keyPrefix, "keyPrefix");
		if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("The Redis key prefix must not contain '{' or '}', which would put "
					+ "every record in one cluster slot; was '" + keyPrefix + "'");
		}
		this.prefix = (keyPrefix + "{").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The Redis key of a storage key: the prefix, then the storage key in base64url as a hash tag.
	 * @param key the storage key
	 * @return the Redis key's bytes
	 */
	byte[] of(StorageKey key) {
		String value = Objects.requireNonNull(key, "key").value();
		// base64url of the first 30 bytes, written straight into the key: 3 bytes (6 hex digits) give 4 characters
		byte[] result = new byte[this.prefix.length + HASH_TAG_LENGTH + 1];
		System.arraycopy(this.prefix, 0, result, 0, this.prefix.length);
		int out = this.prefix.length;
		for (int hex = 0; hex < 2 * HASHED_BYTES; hex += 6) {
			int bits = HexFormat.fromHexDigits(value, hex, hex + 6);
			result[out++] = BASE64_URL_ALPHABET[bits >>> 18];
			result[out++] = BASE64_URL_ALPHABET[(bits >>> 12) & 0x3F];
			result[out++] = BASE64_URL_ALPHABET[(bits >>> 6) & 0x3F];
			result[out++] = BASE64_URL_ALPHABET[bits & 0x3F];
		}
		result[out] = HASH_TAG_END;
		return result;
	}

	/**
	 * The key that earlier versions of the store wrote a storage key under: the prefix, then the storage key's 64 hex
	 * characters as a hash tag.
	 * @param key the storage key
	 * @return the Redis key's bytes
	 */
	byte[] legacy(StorageKey key) {
		String value = Objects.requireNonNull(key, "key").value();
		byte[] result = new byte[this.prefix.length + value.length() + 1];
		System.arraycopy(this.prefix, 0, result, 0, this.prefix.length);
		// hex digits: one byte per character, no encoder needed
		for (int i = 0; i < value.length(); i++) {
			result[this.prefix.length + i] = (byte) value.charAt(i);
		}
		result[result.length - 1] = HASH_TAG_END;
		return result;
	}

}
