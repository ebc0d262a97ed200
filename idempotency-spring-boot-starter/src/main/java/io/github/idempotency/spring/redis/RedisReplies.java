package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;

import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStoreException;

/**
 * Reads what the store's scripts and Redis answer: integer replies, the fenced writes' result codes, and error
 * replies recognized by their marker ({@code NOSCRIPT}, {@code WRONGTYPE}) anywhere in an exception's causes.
 */
final class RedisReplies {

	private RedisReplies() {
	}

	/**
	 * The result of a fenced write: 1 written, 0 fenced, -1 a record the script cannot parse.
	 * @param reply the script's integer reply
	 * @return whether the write happened
	 * @throws CorruptRecordException when the script could not parse the record
	 */
	static boolean fenced(Object reply) {
		long result = asLong(reply);
		if (result < 0) {
			throw new CorruptRecordException("An idempotency record in Redis cannot be decoded by the scripts");
		}
		return result == 1;
	}

	static long asLong(Object reply) {
		if (reply instanceof Number number) {
			return number.longValue();
		}
		if (reply instanceof byte[] bytes) {
			return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
		}
		throw new IdempotencyStoreException("Unexpected reply from Redis: " + reply);
	}

	/**
	 * Whether an exception, or one of its causes, carries an error reply with the given marker.
	 * @param ex the exception
	 * @param marker the error's first word, such as {@code NOSCRIPT}
	 * @return whether a message contains it
	 */
	static boolean hasMessage(Throwable ex, String marker) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().contains(marker)) {
				return true;
			}
		}
		return false;
	}

}
