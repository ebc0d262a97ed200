package io.github.idempotency.core;

import java.util.Objects;

/**
 * The only form of a key that reaches a store: a fixed-length (64 hex characters) SHA-256 of the scoped key.
 * Raw client keys and principal names never leave the application.
 *
 * @param value 64 lower-case hex characters
 */
public record StorageKey(String value) {

	/** Length of every storage key, in characters. */
	public static final int LENGTH = 64;

	public StorageKey {
		Objects.requireNonNull(value, "value");
		if (value.length() != LENGTH || !Sha256.isLowerHex(value, 0)) {
			throw new IllegalArgumentException("A storage key is 64 lower-case hex characters");
		}
	}

	@Override
	public String toString() {
		return this.value;
	}

}
