package io.github.idempotency.client;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Makes the idempotency key of one logical call. It is called once per call, before the first attempt; every retry
 * sends the same key.
 */
@FunctionalInterface
public interface IdempotencyKeyGenerator {

	/**
	 * Returns a new key.
	 * @return a key of printable ASCII characters, at most 255 long
	 */
	String generate();

	/**
	 * UUID version 7 keys (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. They sort by creation time,
	 * which keeps database indexes of keys compact on the server.
	 * @param clock the clock that stamps the keys
	 * @return the generator
	 */
	static IdempotencyKeyGenerator uuidV7(Clock clock) {
		SecureRandom random = new SecureRandom();
		return () -> {
			long millis = clock.millis();
			long mostSignificant = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
			long leastSignificant = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
			return new UUID(mostSignificant, leastSignificant).toString();
		};
	}

	/**
	 * Random UUID (version 4) keys.
	 * @return the generator
	 */
	static IdempotencyKeyGenerator randomUuid() {
		return () -> UUID.randomUUID().toString();
	}

}
