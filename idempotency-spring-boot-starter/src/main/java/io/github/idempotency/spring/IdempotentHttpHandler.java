package io.github.idempotency.spring;

import java.lang.reflect.UndeclaredThrowableException;
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
	 * @return the handler's result, or {@link IdempotentMethod#shortCircuitValue()} when the filter replays the
	 * stored response instead or the request is refused (the refusal is then raised to Spring MVC after the handler
	 * returned, not thrown through the handler's reflective call)
	 * @throws Throwable what the handler threw
	 */
	Object invoke(MethodInvocation invocation, IdempotentMethod method, Supplier<String> scope) throws Throwable;

	/**
	 * Proceeds with an invocation as a {@link java.util.concurrent.Callable} would: exceptions and errors pass
	 * unchanged, and a throwable that is neither (never thrown by Java code) is wrapped in an
	 * {@link UndeclaredThrowableException}. For the code that runs a handler inside a joined transaction.
	 * @param invocation the invocation
	 * @return the invocation's result
	 * @throws Exception what the invocation threw
	 */
	static Object proceed(MethodInvocation invocation) throws Exception {
		try {
			return invocation.proceed();
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

}
