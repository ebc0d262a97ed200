package io.github.idempotency.core;

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
		return new OwnerToken(Long.toHexString(random.nextLong() | Long.MIN_VALUE)
				+ Long.toHexString(random.nextLong() | Long.MIN_VALUE));
	}

	@Override
	public String toString() {
		return this.value;
	}

}
