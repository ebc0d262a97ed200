package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ResultCodec;

import org.jspecify.annotations.Nullable;

/**
 * Everything about one {@code @Idempotent} method that does not change between invocations, resolved once at
 * start-up: its endpoint name, policy, parsed key expression, scope and, for non-web methods, its result codec.
 */
public final class IdempotentMethod {

	private final Method method;

	private final String endpoint;

	private final String operation;

	private final ExecutionPolicy policy;

	private final @Nullable ArgumentsExpression keyExpression;

	private final Idempotent.KeySource keySource;

	private final boolean required;

	private final Idempotent.Scope scope;

	private final Set<String> httpMethods;

	private final @Nullable ResultCodec<Object> codec;

	private final @Nullable Object shortCircuitValue;

	private final @Nullable ArgumentsExpression fingerprintExpression;

	private final @Nullable FingerprintedArguments fingerprintedArguments;

	private final NonWebOptions options;

	IdempotentMethod(Method method, String endpoint, String operation, ExecutionPolicy policy,
			@Nullable ArgumentsExpression keyExpression, Idempotent.KeySource keySource, boolean required,
			Idempotent.Scope scope, Set<String> httpMethods, @Nullable ResultCodec<Object> codec,
			@Nullable ArgumentsExpression fingerprintExpression,
			@Nullable FingerprintedArguments fingerprintedArguments, NonWebOptions options) {
		this.fingerprintExpression = fingerprintExpression;
		this.fingerprintedArguments = fingerprintedArguments;
		this.options = options;
		this.method = method;
		this.endpoint = endpoint;
		this.operation = operation;
		this.policy = policy;
		this.keyExpression = keyExpression;
		this.keySource = keySource;
		this.required = required;
		this.scope = scope;
		this.httpMethods = httpMethods;
		this.codec = codec;
		this.shortCircuitValue = primitiveDefault(method.getReturnType());
	}

	public Method method() {
		return this.method;
	}

	/**
	 * The bounded name used for metrics, logs and {@code idempotency.endpoints.<name>}.
	 * @return the endpoint's name
	 */
	public String endpoint() {
		return this.endpoint;
	}

	/**
	 * The operation part of the key for a non-web method ({@code Class#method}); web methods use the HTTP method
	 * and route template of the request.
	 * @return the operation
	 */
	public String operation() {
		return this.operation;
	}

	public ExecutionPolicy policy() {
		return this.policy;
	}

	public Idempotent.KeySource keySource() {
		return this.keySource;
	}

	public boolean isRequired() {
		return this.required;
	}

	public Idempotent.Scope scope() {
		return this.scope;
	}

	/**
	 * Whether this is a controller handler method, whose HTTP response is captured and replayed.
	 * @return {@code true} for a web endpoint
	 */
	public boolean isWeb() {
		return !this.httpMethods.isEmpty();
	}

	/**
	 * HTTP methods the handler is mapped to; empty for a non-web method.
	 * @return the methods, upper case
	 */
	public Set<String> httpMethods() {
		return this.httpMethods;
	}

	/**
	 * Whether the key comes from a SpEL expression.
	 * @return {@code true} when {@link #evaluateKey} applies
	 */
	public boolean hasKeyExpression() {
		return this.keyExpression != null;
	}

	/**
	 * Evaluates the key expression over the invocation's arguments, by parameter name and as {@code #p0}/{@code #a0}.
	 * @param arguments the arguments
	 * @return the key, or {@code null}
	 */
	public @Nullable String evaluateKey(@Nullable Object[] arguments) {
		Object value = Objects.requireNonNull(this.keyExpression, "no key expression").evaluate(arguments);
		return (value != null) ? value.toString() : null;
	}

	/**
	 * The values a non-web invocation's fingerprint is made of: the value of the {@code fingerprint} expression, or
	 * by default the arguments without framework delivery types.
	 * @param arguments the invocation's arguments
	 * @return the values to encode
	 */
	public @Nullable Object[] fingerprintValues(@Nullable Object[] arguments) {
		if (this.fingerprintExpression != null) {
			return new @Nullable Object[] { this.fingerprintExpression.evaluate(arguments) };
		}
		return (this.fingerprintedArguments != null) ? this.fingerprintedArguments.select(arguments) : arguments;
	}

	/**
	 * Whether this is a message listener ({@code @RabbitListener}, {@code @KafkaListener}): its key may come from
	 * the delivered message, and a duplicate of a message whose first execution failed for good is skipped.
	 * @return {@code true} for a listener method
	 */
	public boolean isListener() {
		return this.options.listener();
	}

	/**
	 * The header that carries a listener's key with {@link Idempotent.KeySource#HEADER}.
	 * @return the name, empty for the configured default
	 */
	public String header() {
		return this.options.header();
	}

	/**
	 * Whether an exception ends the execution for good ({@link Idempotent#noRetryFor()}).
	 * @param failure what the method threw
	 * @return {@code true} to record the failure instead of releasing the key
	 */
	public boolean isNotRetryable(Throwable failure) {
		for (Class<? extends Throwable> type : this.options.noRetryFor()) {
			if (type.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The key that an invocation of this method stores under, for an operator who knows the client's key and the
	 * caller: the scope is built as the interceptor builds it.
	 * @param operation the operation part: {@link #operation()} for a non-web method, the HTTP method and route
	 * template (such as {@code POST /payments}) for a web one
	 * @param principal the authenticated principal's name for {@link Idempotent.Scope#PRINCIPAL}, {@code null} for an
	 * anonymous caller; ignored for {@link Idempotent.Scope#GLOBAL}
	 * @param clientKey the client's key
	 * @return the key, or empty for {@link Idempotent.Scope#CUSTOM}, whose scope only the application's resolver knows
	 * @throws io.github.idempotency.core.InvalidIdempotencyKeyException when the client key is not a valid key
	 */
	public Optional<IdempotencyKey> keyFor(String operation, @Nullable String principal, String clientKey) {
		return switch (this.scope) {
			case GLOBAL -> Optional.of(IdempotencyKey.of("", operation, clientKey));
			case PRINCIPAL -> Optional.of(IdempotencyKey.of(PrincipalScopeResolver.scopeOf(principal), operation,
					clientKey));
			case CUSTOM -> Optional.empty();
		};
	}

	/**
	 * The codec of a non-web method's return value.
	 * @return the codec, or {@code null} for a web method
	 */
	public @Nullable ResultCodec<Object> codec() {
		return this.codec;
	}

	/**
	 * What a web method returns when it does not run (the filter writes the response): {@code null}, or the
	 * default of a primitive return type.
	 * @return the value
	 */
	public @Nullable Object shortCircuitValue() {
		return this.shortCircuitValue;
	}

	@Override
	public String toString() {
		return this.method.getDeclaringClass().getName() + "#" + this.method.getName() + " [" + this.endpoint + "]";
	}

	/**
	 * What a non-web method knows about delivery and failures, resolved from its annotation.
	 * @param listener whether the method is a message listener
	 * @param header the header that carries the key, empty for the default
	 * @param noRetryFor exceptions that record a failure instead of releasing the key
	 */
	record NonWebOptions(boolean listener, String header, List<Class<? extends Throwable>> noRetryFor) {
	}

	private static @Nullable Object primitiveDefault(Class<?> type) {
		if (!type.isPrimitive() || type == void.class) {
			return null;
		}
		if (type == boolean.class) {
			return false;
		}
		if (type == char.class) {
			return '\0';
		}
		if (type == long.class) {
			return 0L;
		}
		if (type == float.class) {
			return 0f;
		}
		if (type == double.class) {
			return 0d;
		}
		if (type == byte.class) {
			return (byte) 0;
		}
		if (type == short.class) {
			return (short) 0;
		}
		return 0;
	}

}
