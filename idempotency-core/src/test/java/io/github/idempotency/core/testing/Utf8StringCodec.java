package io.github.idempotency.core.testing;

import java.nio.charset.StandardCharsets;

import io.github.idempotency.core.execution.ResultCodec;

/**
 * Stores a {@link String} result as its UTF-8 bytes. It exists because most executor and store tests return a string
 * and need a codec that is not the subject of the test.
 */
public final class Utf8StringCodec implements ResultCodec<String> {

	@Override
	public byte[] encode(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String decode(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
