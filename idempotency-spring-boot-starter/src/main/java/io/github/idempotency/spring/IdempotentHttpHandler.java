package io.github.idempotency.spring;

import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInvocation;

/**
 * The HTTP half of the interceptor, present when Spring MVC runs on a servlet container: resolves the key from the
 * request, claims, and leaves the response to the filter that captures or replays it.
 */
public interface IdempotentHttpHandler {

	/**
	 * Whether the current thread serves an HTTP request that the idempotency filter prepared.
	 * @return {@code true} when {@link #invoke} applies
	 */
	boolean isActive();

	/**
	 * Protects one handler invocation.
	 * @param invocation the invocation
	 * @param method the resolved method
	 * @param scope the scope of the key, resolved only when a key is present
	 * @return the handler's result, or {@link IdempotentMethod#shortCircuitValue()} when the filter writes the
	 * response instead
	 * @throws Throwable what the handler threw
	 */
	Object invoke(MethodInvocation invocation, IdempotentMethod method, Supplier<String> scope) throws Throwable;

}
