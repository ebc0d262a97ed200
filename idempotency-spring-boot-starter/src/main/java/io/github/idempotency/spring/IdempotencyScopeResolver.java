package io.github.idempotency.spring;

import java.lang.reflect.Method;

/**
 * Decides who may share idempotency records, for methods annotated with
 * {@code @Idempotent(scope = Scope.CUSTOM)}: two invocations share a record only when their scopes, operations and
 * keys are equal. Define one as a bean; it may read the current request through
 * {@code RequestContextHolder} or the security context.
 */
@FunctionalInterface
public interface IdempotencyScopeResolver {

	/**
	 * The scope that {@code Scope.PRINCIPAL} resolves to for every caller without an authenticated principal; no
	 * principal's scope equals it.
	 */
	String ANONYMOUS_SCOPE = "anonymous";

	/**
	 * Resolves the scope of one invocation.
	 * @param method the annotated method
	 * @param arguments the invocation's arguments
	 * @return the scope, never {@code null}; an empty string shares the key with every caller
	 */
	String resolveScope(Method method, Object[] arguments);

}
