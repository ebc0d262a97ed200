package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.github.idempotency.core.StorageKey;

/**
 * The Redis keys of the store: {@code prefix + "{" + storage key + "}"}, the storage key (a SHA-256 of the scoped
 * key) as a hash tag, so that each record maps to one cluster slot and no client key or principal name is stored.
 */
final class RedisKeys {

	private static final byte HASH_TAG_END = '}';

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
	 * The Redis key of a storage key: the prefix, then the storage key as a hash tag.
	 * @param key the storage key
	 * @return the Redis key's bytes
	 */
	byte[] of(StorageKey key) {
		byte[] hash = Objects.requireNonNull(key, "key").value().getBytes(StandardCharsets.US_ASCII);
		byte[] result = new byte[this.prefix.length + hash.length + 1];
		System.arraycopy(this.prefix, 0, result, 0, this.prefix.length);
		System.arraycopy(hash, 0, result, this.prefix.length, hash.length);
		result[result.length - 1] = HASH_TAG_END;
		return result;
	}

}
