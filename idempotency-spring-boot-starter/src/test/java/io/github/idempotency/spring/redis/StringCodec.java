package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;

import io.github.idempotency.core.execution.ResultCodec;

/**
 * UTF-8 strings as results of executions in tests.
 */
final class StringCodec implements ResultCodec<String> {

	static final StringCodec INSTANCE = new StringCodec();

	@Override
	public byte[] encode(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String decode(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
