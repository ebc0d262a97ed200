package io.github.idempotency.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The only form of a key that reaches a store: a fixed-length (64 hex characters) SHA-256 of the scoped key.
 * Raw client keys and principal names never leave the application.
 *
 * @param value 64 lower-case hex characters
 */
public record StorageKey(String value) {

	private static final Pattern SHAPE = Pattern.compile("[0-9a-f]{64}");

	/** Length of every storage key, in characters. */
	public static final int LENGTH = 64;

	public StorageKey {
		Objects.requireNonNull(value, "value");
		if (!SHAPE.matcher(value).matches()) {
			throw new IllegalArgumentException("A storage key is 64 lower-case hex characters");
		}
	}

	@Override
	public String toString() {
		return this.value;
	}

}
