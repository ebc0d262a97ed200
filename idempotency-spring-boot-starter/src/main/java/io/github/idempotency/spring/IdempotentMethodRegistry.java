package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import io.github.idempotency.core.execution.ConflictStrategy;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.spring.IdempotentMethodDefaults.EndpointOverrides;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.PropertyResolver;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds and resolves {@code @Idempotent} methods once: the advisor's pointcut asks it while beans are proxied at
 * start-up, so a broken annotation (an unparsable key, an invalid duration, an asynchronous return type) fails the
 * start-up, and the interceptor reads the cached result on every invocation.
 */
public final class IdempotentMethodRegistry {

	private static final Log logger = LogFactory.getLog(IdempotentMethodRegistry.class);

	private static final String[] ASYNC_TYPES = { "org.springframework.web.context.request.async.DeferredResult",
			"org.springframework.web.context.request.async.WebAsyncTask",
			"org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter",
			"org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody",
			"org.reactivestreams.Publisher" };

	private static final String RABBIT_LISTENER = "org.springframework.amqp.rabbit.annotation.RabbitListener";

	private static final String KAFKA_LISTENER = "org.springframework.kafka.annotation.KafkaListener";

	private static final String[] HANDLER_ANNOTATIONS = { "org.springframework.amqp.rabbit.annotation.RabbitHandler",
			"org.springframework.kafka.annotation.KafkaHandler" };

	private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private final IdempotentMethodDefaults defaults;

	private final HttpEndpoint.@Nullable Resolver httpEndpoints;

	private final PropertyResolver placeholders;

	private final Supplier<@Nullable ResultCodecFactory> codecs;

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final Map<MethodClassKey, Optional<IdempotentMethod>> methods = new ConcurrentHashMap<>();

	private final Set<String> webHttpMethods = ConcurrentHashMap.newKeySet();

	/**
	 * @param defaults the global and per-endpoint settings
	 * @param httpEndpoints tells which methods are HTTP handlers; {@code null} without Spring MVC
	 * @param placeholders resolves {@code ${...}} in the annotation's durations
	 * @param codecs the codec factory for non-web methods; supplies {@code null} when there is none
	 */
	public IdempotentMethodRegistry(IdempotentMethodDefaults defaults, HttpEndpoint.@Nullable Resolver httpEndpoints,
			PropertyResolver placeholders, Supplier<@Nullable ResultCodecFactory> codecs) {
		this.defaults = defaults;
		this.httpEndpoints = httpEndpoints;
		this.placeholders = placeholders;
		this.codecs = codecs;
	}

	/**
	 * Finds the resolved {@code @Idempotent} method behind an invoked method.
	 * @param method the invoked method (possibly declared on an interface)
	 * @param targetClass the target's class, or {@code null} when unknown
	 * @return the resolved method, or empty when it is not annotated
	 * @throws IllegalStateException when the annotation is unusable on this method
	 */
	public Optional<IdempotentMethod> find(Method method, @Nullable Class<?> targetClass) {
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		Optional<IdempotentMethod> cached = this.methods.get(cacheKey);
		if (cached != null) {
			return cached;
		}
		Optional<IdempotentMethod> resolved = Optional.ofNullable(resolve(method, targetClass));
		this.methods.putIfAbsent(cacheKey, resolved);
		return resolved;
	}

	/**
	 * The {@code @Idempotent} methods resolved so far: every one on a bean that was proxied, which at the end of
	 * start-up is every annotated method of a non-lazy bean. For operators; the interceptor uses {@link #find}.
	 * @return the methods, ordered by endpoint name, without duplicates
	 */
	public List<IdempotentMethod> methods() {
		Map<Method, IdempotentMethod> distinct = new LinkedHashMap<>();
		this.methods.values().forEach((found) -> found.ifPresent((method) -> distinct.putIfAbsent(method.method(),
				method)));
		return distinct.values()
			.stream()
			.sorted(Comparator.comparing(IdempotentMethod::endpoint).thenComparing(IdempotentMethod::operation))
			.toList();
	}

	/**
	 * Whether a request with this HTTP method may reach an {@code @Idempotent} handler, so that the filter wraps it.
	 * @param httpMethod the request's method
	 * @return {@code true} when some idempotent handler is mapped to it
	 */
	public boolean isWebCandidate(String httpMethod) {
		return this.webHttpMethods.contains(httpMethod);
	}

	private @Nullable IdempotentMethod resolve(Method method, @Nullable Class<?> targetClass) {
		Method specific = (targetClass != null) ? AopUtils.getMostSpecificMethod(method, targetClass) : method;
		Idempotent annotation = AnnotatedElementUtils.findMergedAnnotation(specific, Idempotent.class);
		if (annotation == null) {
			return null;
		}
		Class<?> beanClass = (targetClass != null) ? targetClass : specific.getDeclaringClass();
		String description = ClassUtils.getQualifiedMethodName(specific, beanClass);
		refuseAsynchronous(specific, description, this.httpEndpoints != null);
		HttpEndpoint web = (this.httpEndpoints != null) ? this.httpEndpoints.resolve(specific, beanClass) : null;
		ListenerKind listener = (web != null) ? ListenerKind.NONE : ListenerKind.of(specific, beanClass);
		String endpoint = StringUtils.hasText(annotation.name()) ? annotation.name()
				: (web != null) ? web.name()
						: listener.id(specific).orElse(beanClass.getSimpleName() + "#" + specific.getName());
		String operation = beanClass.getName() + "#" + specific.getName();
		ExecutionPolicy policy = policy(annotation, endpoint, description);
		Expression keyExpression = parseExpression(annotation.key(), "key", description);
		Expression fingerprintExpression = parseExpression(annotation.fingerprint(), "fingerprint", description);
		FingerprintedArguments fingerprintedArguments = null;
		@Nullable ResultCodec<Object> codec = null;
		Set<String> httpMethods = Set.of();
		if (web != null) {
			httpMethods = web.httpMethods();
			for (String httpMethod : httpMethods) {
				if (SAFE_METHODS.contains(httpMethod)) {
					logger.warn("@Idempotent on " + description + ", which handles " + httpMethod
							+ ": safe methods are idempotent by definition and rarely need a key");
				}
			}
			this.webHttpMethods.addAll(httpMethods);
			if (fingerprintExpression != null) {
				throw new IllegalStateException("@Idempotent on " + description + " sets a fingerprint expression, "
						+ "which controller methods do not support: their fingerprint is the request (method, path, "
						+ "query, body)");
			}
		}
		else {
			if (keyExpression == null) {
				listener.verifyKeySource(annotation.keySource(), description);
			}
			ResultCodecFactory factory = this.codecs.get();
			if (factory == null) {
				throw new IllegalStateException("@Idempotent on " + description + " stores its return value as "
						+ "JSON and needs Jackson (tools.jackson.core:jackson-databind) or a ResultCodecFactory bean");
			}
			codec = factory.codecFor(specific);
			if (fingerprintExpression == null) {
				fingerprintedArguments = FingerprintedArguments.of(specific,
						(checked, index) -> checkEncodable(factory, checked, index, description));
			}
		}
		IdempotentMethod.NonWebOptions options = new IdempotentMethod.NonWebOptions(listener != ListenerKind.NONE,
				annotation.header(), List.of(annotation.noRetryFor()));
		return new IdempotentMethod(specific, endpoint, operation, policy, keyExpression, parameterNames(specific),
				annotation.keySource(), annotation.required(), annotation.scope(), httpMethods, codec,
				fingerprintExpression, fingerprintedArguments, options);
	}

	private static void checkEncodable(ResultCodecFactory factory, Method method, int index, String description) {
		try {
			factory.checkEncodable(method, index);
		}
		catch (IllegalArgumentException ex) {
			Parameter parameter = method.getParameters()[index];
			String name = parameter.isNamePresent() ? parameter.getName() : "#" + index;
			throw new IllegalStateException("@Idempotent on " + description + " cannot fingerprint parameter '" + name
					+ "': " + ex.getMessage() + ". Select what a repeated key must match with fingerprint = \"#...\"",
					ex);
		}
	}

	private ExecutionPolicy policy(Idempotent annotation, String endpoint, String description) {
		EndpointOverrides overrides = this.defaults.endpoint(endpoint);
		Duration lease = duration(annotation.lease(), "lease", description, overrides.lease(), this.defaults.lease());
		Duration ttl = duration(annotation.ttl(), "ttl", description, overrides.ttl(), this.defaults.ttl());
		ConflictStrategy onConflict = switch (annotation.onConflict()) {
			case REJECT -> ConflictStrategy.REJECT;
			case WAIT -> ConflictStrategy.WAIT;
			case DEFAULT -> (overrides.onConflict() != null) ? overrides.onConflict() : this.defaults.onConflict();
		};
		Duration waitTimeout = (overrides.waitTimeout() != null) ? overrides.waitTimeout()
				: this.defaults.waitTimeout();
		try {
			Duration maxExecutionTime = (overrides.maxExecutionTime() != null) ? overrides.maxExecutionTime()
					: this.defaults.maxExecutionTime();
			return new ExecutionPolicy(endpoint, lease, ttl, onConflict, waitTimeout, this.defaults.storeFailure(),
					maxExecutionTime);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid idempotency settings for " + description + ": " + ex.getMessage(),
					ex);
		}
	}

	private Duration duration(String value, String attribute, String description, @Nullable Duration endpointValue,
			Duration globalValue) {
		if (!StringUtils.hasText(value)) {
			return (endpointValue != null) ? endpointValue : globalValue;
		}
		try {
			return DurationStyle.detectAndParse(this.placeholders.resolveRequiredPlaceholders(value).trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid " + attribute + " '" + value + "' in @Idempotent on "
					+ description + ": use a duration such as 30s, 24h or PT24H");
		}
	}

	private @Nullable Expression parseExpression(String expression, String attribute, String description) {
		if (!StringUtils.hasText(expression)) {
			return null;
		}
		try {
			return this.parser.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Invalid " + attribute + " expression '" + expression
					+ "' in @Idempotent on " + description + ": " + ex.getMessage());
		}
	}

	private static @Nullable String[] parameterNames(Method method) {
		Parameter[] parameters = method.getParameters();
		@Nullable String[] names = new String[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			names[i] = parameters[i].isNamePresent() ? parameters[i].getName() : null;
		}
		return names;
	}

	// HTTP entities are inspected only where web handlers exist, so that plain applications need no spring-web
	private static void refuseAsynchronous(Method method, String description, boolean web) {
		Class<?> returnType = method.getReturnType();
		boolean async = Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)
				|| Callable.class.isAssignableFrom(returnType) || isAsyncType(returnType);
		if (!async && web && org.springframework.http.HttpEntity.class.isAssignableFrom(returnType)) {
			Class<?> body = ResolvableType.forMethodReturnType(method).as(org.springframework.http.HttpEntity.class)
				.getGeneric(0)
				.resolve();
			async = body != null && isAsyncType(body);
		}
		if (async) {
			throw new IllegalStateException("@Idempotent on " + description + " cannot protect an asynchronous or "
					+ "streaming result (" + returnType.getSimpleName() + "): the result must exist when the method "
					+ "returns. Return the value itself instead");
		}
	}

	/**
	 * Which listener container invokes a method, told by annotation name so that neither library is required.
	 */
	private enum ListenerKind {

		NONE(null), AMQP(RABBIT_LISTENER), KAFKA(KAFKA_LISTENER);

		private final @Nullable String annotation;

		ListenerKind(@Nullable String annotation) {
			this.annotation = annotation;
		}

		static ListenerKind of(Method method, Class<?> beanClass) {
			for (ListenerKind kind : new ListenerKind[] { AMQP, KAFKA }) {
				if (kind.annotates(method) || isClassLevelHandler(method, beanClass, kind)) {
					return kind;
				}
			}
			return NONE;
		}

		Optional<String> id(Method method) {
			if (this.annotation == null) {
				return Optional.empty();
			}
			MergedAnnotation<?> listener = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY)
				.get(this.annotation);
			return listener.isPresent() ? Optional.of(listener.getString("id")).filter(StringUtils::hasText)
					: Optional.empty();
		}

		void verifyKeySource(Idempotent.KeySource source, String description) {
			if (this == NONE) {
				throw new IllegalStateException("@Idempotent on " + description + " needs a key expression "
						+ "(key = \"#...\"): only controller methods and message listeners can read the key from "
						+ "a header, the body or the message");
			}
			if (this == KAFKA && (source == Idempotent.KeySource.BODY_HASH
					|| source == Idempotent.KeySource.MESSAGE_ID)) {
				throw new IllegalStateException("@Idempotent on " + description + " is a Kafka listener, which "
						+ "cannot take its key from " + source + " (Kafka records have no message id): use HEADER "
						+ "with header = \"<name>\", RECORD_KEY (topic and record key) or a key expression");
			}
			if (this == AMQP && (source == Idempotent.KeySource.BODY_HASH
					|| source == Idempotent.KeySource.RECORD_KEY)) {
				throw new IllegalStateException("@Idempotent on " + description + " is a Rabbit listener, which "
						+ "cannot take its key from " + source + ": use MESSAGE_ID, HEADER or a key expression");
			}
		}

		private boolean annotates(java.lang.reflect.AnnotatedElement element) {
			return this.annotation != null
					&& MergedAnnotations.from(element, SearchStrategy.TYPE_HIERARCHY).isPresent(this.annotation);
		}

		private static boolean isClassLevelHandler(Method method, Class<?> beanClass, ListenerKind kind) {
			if (!kind.annotates(beanClass)) {
				return false;
			}
			MergedAnnotations annotations = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY);
			for (String handler : HANDLER_ANNOTATIONS) {
				if (annotations.isPresent(handler)) {
					return true;
				}
			}
			return false;
		}

	}

	private static boolean isAsyncType(Class<?> type) {
		for (String name : ASYNC_TYPES) {
			Class<?> asyncType = loadOptional(name);
			if (asyncType != null && asyncType.isAssignableFrom(type)) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Class<?> loadOptional(String name) {
		try {
			return ClassUtils.forName(name, IdempotentMethodRegistry.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

}
