package io.github.idempotency.spring;

import java.lang.reflect.Method;

import io.github.idempotency.core.execution.ResultCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

/**
 * Stores return values as JSON through Jackson 3, typed by the method's generic return type, so a
 * {@code List<Receipt>} comes back as a list of receipts. {@code void} methods store an empty body.
 */
public final class JsonResultCodecFactory implements ResultCodecFactory {

	private static final byte[] EMPTY = new byte[0];

	private final ObjectMapper mapper;

	public JsonResultCodecFactory(ObjectMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Encodes the arguments as a JSON array; arguments Jackson cannot write (a servlet request, a stream) are left
	 * out of the fingerprint rather than failing the invocation.
	 */
	@Override
	public byte[] encodeArguments(Object[] arguments) {
		try {
			return this.mapper.writeValueAsBytes(arguments);
		}
		catch (JacksonException ex) {
			return EMPTY;
		}
	}

	@Override
	public ResultCodec<Object> codecFor(Method method) {
		Class<?> returnType = method.getReturnType();
		if (returnType == void.class || returnType == Void.class) {
			return new ResultCodec<>() {

				@Override
				public byte[] encode(Object value) {
					return EMPTY;
				}

				@Override
				public Object decode(byte[] bytes) {
					return null;
				}

			};
		}
		JavaType type = this.mapper.constructType(method.getGenericReturnType());
		ObjectMapper mapper = this.mapper;
		return new ResultCodec<>() {

			@Override
			public byte[] encode(Object value) {
				return mapper.writerFor(type).writeValueAsBytes(value);
			}

			@Override
			public Object decode(byte[] bytes) {
				return mapper.readValue(bytes, type);
			}

		};
	}

}
