package io.github.idempotency.spring;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import io.github.idempotency.core.execution.ResultCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.ser.impl.UnknownSerializer;

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
	 * Encodes the arguments as a JSON array.
	 */
	@Override
	public byte[] encodeArguments(Object[] arguments) {
		try {
			return this.mapper.writeValueAsBytes(arguments);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Refuses a parameter whose declared type Jackson can only write as an empty bean (a stream, a connection, a
	 * class without properties) or cannot write at all.
	 */
	@Override
	public void checkEncodable(Method method, int parameterIndex) {
		Class<?> type = method.getParameterTypes()[parameterIndex];
		if (InputStream.class.isAssignableFrom(type) || Reader.class.isAssignableFrom(type)) {
			throw new IllegalArgumentException(type.getName() + " is a stream, which JSON cannot capture");
		}
		if (type == Object.class || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
			// the runtime type decides; encodeArguments refuses what it cannot write
			return;
		}
		JavaType javaType = this.mapper.constructType(method.getGenericParameterTypes()[parameterIndex]);
		try {
			ValueSerializer<Object> serializer = this.mapper._serializationContext().findValueSerializer(javaType);
			if (serializer instanceof UnknownSerializer) {
				throw new IllegalArgumentException(type.getName() + " has no properties that JSON can write");
			}
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(type.getName() + " cannot be written as JSON: "
					+ ex.getOriginalMessage(), ex);
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
