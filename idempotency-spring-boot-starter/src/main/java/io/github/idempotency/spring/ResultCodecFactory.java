package io.github.idempotency.spring;

import java.lang.reflect.Method;

import io.github.idempotency.core.execution.ResultCodec;

/**
 * Creates the codec that stores the return values of an {@code @Idempotent} method of a non-web bean. The
 * auto-configuration provides a JSON one (Jackson 3); define a bean of this type to replace it.
 */
@FunctionalInterface
public interface ResultCodecFactory {

	/**
	 * Creates a codec for the method's generic return type; called once per method, at start-up.
	 * @param method the annotated method
	 * @return a codec that encodes what the method returns and decodes it to the same type
	 */
	ResultCodec<Object> codecFor(Method method);

	/**
	 * Encodes an invocation's arguments for its fingerprint, so that a key reused with different arguments is
	 * detected as a mismatch. The bytes must be equal for equal arguments.
	 * @param arguments the arguments
	 * @return their encoding; empty (the default) to fingerprint the key alone
	 * @throws IllegalArgumentException when an argument cannot be encoded (never an empty encoding instead, which
	 * would switch mismatch detection off)
	 */
	default byte[] encodeArguments(Object[] arguments) {
		return new byte[0];
	}

	/**
	 * Verifies at start-up that {@link #encodeArguments} can encode the values of a parameter that is part of a
	 * method's default fingerprint; a declared type too general to judge (an interface, {@code Object}) passes.
	 * @param method the annotated method
	 * @param parameterIndex the parameter's index
	 * @throws IllegalArgumentException with the reason when the parameter's values cannot be encoded
	 */
	default void checkEncodable(Method method, int parameterIndex) {
	}

}
