package io.github.idempotency.spring;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;

/**
 * The default fingerprint of a non-web method: its arguments without framework delivery types, resolved once per
 * method at start-up. Types are matched by class name, so none of these libraries needs to be on the classpath.
 * <ul>
 * <li>left out: Kafka's {@code Acknowledgment}, {@code Consumer}, {@code Headers} and
 * {@code ConsumerRecordMetadata}, AMQP's {@code Channel} and {@code MessageProperties}, Spring's
 * {@code MessageHeaders}, and parameters annotated {@code @Header} or {@code @Headers};</li>
 * <li>reduced to their content: a Kafka {@code ConsumerRecord} to its key and value, an AMQP {@code Message} to its
 * body, a Spring {@code Message} to its payload.</li>
 * </ul>
 */
final class FingerprintedArguments {

	private static final Set<String> DELIVERY_TYPES = Set.of("org.springframework.kafka.support.Acknowledgment",
			"org.apache.kafka.clients.consumer.Consumer", "org.apache.kafka.common.header.Headers",
			"org.springframework.kafka.listener.adapter.ConsumerRecordMetadata",
			"com.rabbitmq.client.Channel", "org.springframework.amqp.core.MessageProperties",
			"org.springframework.messaging.MessageHeaders");

	private static final Set<String> HEADER_ANNOTATIONS = Set.of(
			"org.springframework.messaging.handler.annotation.Header",
			"org.springframework.messaging.handler.annotation.Headers");

	private static final String KAFKA_RECORD = "org.apache.kafka.clients.consumer.ConsumerRecord";

	private static final String AMQP_MESSAGE = "org.springframework.amqp.core.Message";

	private static final String SPRING_MESSAGE = "org.springframework.messaging.Message";

	private final int[] indexes;

	private final UnaryOperator<@Nullable Object>[] contents;

	private FingerprintedArguments(int[] indexes, UnaryOperator<@Nullable Object>[] contents) {
		this.indexes = indexes;
		this.contents = contents;
	}

	/**
	 * Resolves which arguments of a method form its fingerprint.
	 * @param method the annotated method
	 * @param check fails with {@link IllegalArgumentException} for a parameter whose values cannot be encoded
	 * @return the selection
	 * @throws IllegalArgumentException from {@code check}, or when a delivery type's content cannot be read
	 */
	@SuppressWarnings("unchecked")
	static FingerprintedArguments of(Method method, ParameterCheck check) {
		Parameter[] parameters = method.getParameters();
		List<Integer> indexes = new ArrayList<>();
		List<UnaryOperator<@Nullable Object>> contents = new ArrayList<>();
		for (int i = 0; i < parameters.length; i++) {
			Parameter parameter = parameters[i];
			if (isDeliveryMetadata(parameter)) {
				continue;
			}
			UnaryOperator<@Nullable Object> content = contentOf(parameter.getType());
			if (content == null) {
				check.check(method, i);
				content = UnaryOperator.identity();
			}
			indexes.add(i);
			contents.add(content);
		}
		return new FingerprintedArguments(indexes.stream().mapToInt(Integer::intValue).toArray(),
				contents.toArray(UnaryOperator[]::new));
	}

	/**
	 * The values that form the fingerprint of one invocation.
	 * @param arguments the invocation's arguments
	 * @return the selected arguments, delivery wrappers reduced to their content
	 */
	@Nullable Object[] select(@Nullable Object[] arguments) {
		@Nullable Object[] selected = new Object[this.indexes.length];
		for (int i = 0; i < this.indexes.length; i++) {
			Object argument = arguments[this.indexes[i]];
			selected[i] = (argument != null) ? this.contents[i].apply(argument) : null;
		}
		return selected;
	}

	private static boolean isDeliveryMetadata(Parameter parameter) {
		MergedAnnotations annotations = MergedAnnotations.from(parameter);
		for (String annotation : HEADER_ANNOTATIONS) {
			if (annotations.isPresent(annotation)) {
				return true;
			}
		}
		return isAssignableToAny(parameter.getType(), DELIVERY_TYPES);
	}

	private static @Nullable UnaryOperator<@Nullable Object> contentOf(Class<?> type) {
		if (isAssignableTo(type, KAFKA_RECORD)) {
			MethodHandle key = getter(type, "key");
			MethodHandle value = getter(type, "value");
			return (record) -> new @Nullable Object[] { invoke(key, record), invoke(value, record) };
		}
		if (isAssignableTo(type, AMQP_MESSAGE)) {
			MethodHandle body = getter(type, "getBody");
			return (message) -> invoke(body, message);
		}
		if (isAssignableTo(type, SPRING_MESSAGE)) {
			MethodHandle payload = getter(type, "getPayload");
			return (message) -> invoke(payload, message);
		}
		return null;
	}

	private static boolean isAssignableToAny(Class<?> type, Set<String> names) {
		for (String name : names) {
			if (isAssignableTo(type, name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isAssignableTo(Class<?> type, String name) {
		if (!ClassUtils.isPresent(name, type.getClassLoader())) {
			return false;
		}
		try {
			return ClassUtils.forName(name, type.getClassLoader()).isAssignableFrom(type);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	private static MethodHandle getter(Class<?> type, String name) {
		try {
			Method getter = type.getMethod(name);
			if (!Modifier.isPublic(getter.getDeclaringClass().getModifiers())) {
				getter = ClassUtils.getInterfaceMethodIfPossible(getter, type);
			}
			return MethodHandles.publicLookup()
				.unreflect(getter)
				.asType(MethodType.methodType(Object.class, Object.class));
		}
		catch (NoSuchMethodException | IllegalAccessException ex) {
			throw new IllegalArgumentException("cannot read " + name + "() of " + type.getName(), ex);
		}
	}

	private static @Nullable Object invoke(MethodHandle getter, Object target) {
		try {
			return getter.invokeExact(target);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Verifies at start-up that a parameter's values can be encoded into a fingerprint.
	 */
	@FunctionalInterface
	interface ParameterCheck {

		/**
		 * @param method the method
		 * @param index the parameter's index
		 * @throws IllegalArgumentException with the reason when its values cannot be encoded
		 */
		void check(Method method, int index);

	}

}
