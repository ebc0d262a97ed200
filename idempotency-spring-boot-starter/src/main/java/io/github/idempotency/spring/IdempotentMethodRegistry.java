package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ResultCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds and resolves {@code @Idempotent} methods once: the advisor's pointcut asks it while beans are proxied at
 * start-up, so a broken annotation (an unparsable key, an invalid duration, an asynchronous return type) fails the
 * start-up, and the interceptor reads the cached result on every invocation.
 */
public final class IdempotentMethodRegistry {

	private static final Log logger = LogFactory.getLog(IdempotentMethodRegistry.class);

	private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private final AnnotatedPolicyResolver policies;

	private final HttpEndpoint.@Nullable Resolver httpEndpoints;

	private final Supplier<@Nullable ResultCodecFactory> codecs;

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
		this.policies = new AnnotatedPolicyResolver(defaults, placeholders);
		this.httpEndpoints = httpEndpoints;
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
		AsynchronousResults.refuse(specific, description, this.httpEndpoints != null);
		HttpEndpoint web = (this.httpEndpoints != null) ? this.httpEndpoints.resolve(specific, beanClass) : null;
		ListenerKind listener = (web != null) ? ListenerKind.NONE : ListenerKind.of(specific, beanClass);
		String endpoint = StringUtils.hasText(annotation.name()) ? annotation.name()
				: (web != null) ? web.name()
						: listener.id(specific).orElse(beanClass.getSimpleName() + "#" + specific.getName());
		String operation = beanClass.getName() + "#" + specific.getName();
		ExecutionPolicy policy = this.policies.policy(annotation, endpoint, description);
		ArgumentsExpression keyExpression = ArgumentsExpression.parse(annotation.key(), "key", specific, description);
		ArgumentsExpression fingerprintExpression = ArgumentsExpression.parse(annotation.fingerprint(), "fingerprint",
				specific, description);
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
		return new IdempotentMethod(specific, endpoint, operation, policy, keyExpression, annotation.keySource(),
				annotation.required(), annotation.scope(), httpMethods, codec, fingerprintExpression,
				fingerprintedArguments, options);
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

}
