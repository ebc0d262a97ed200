package io.github.idempotency.core.execution;

import org.jspecify.annotations.Nullable;

/**
 * Turns an execution's return value into bytes to store, and back on replay.
 *
 * @param <T> the value's type
 */
public interface ResultCodec<T extends @Nullable Object> {

	/**
	 * Encodes a value.
	 * @param value the value, possibly {@code null}
	 * @return its bytes
	 */
	byte[] encode(T value);

	/**
	 * Decodes stored bytes.
	 * @param bytes what {@link #encode} returned
	 * @return the value
	 */
	T decode(byte[] bytes);

}
