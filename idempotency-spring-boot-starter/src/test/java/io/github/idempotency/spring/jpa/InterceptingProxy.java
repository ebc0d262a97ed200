package io.github.idempotency.spring.jpa;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.jspecify.annotations.Nullable;

/**
 * A JDK proxy of one interface that hands every call, with its target, to an {@link Interceptor}. It exists for tests
 * that watch or bend what a store sends through JDBC (counting statements and commits, or a connection that misreports
 * its isolation), so that they share the reflection plumbing and pass the target's own exceptions on unwrapped.
 */
public final class InterceptingProxy {

	private InterceptingProxy() {
	}

	/**
	 * A proxy of the given interface around a target.
	 * @param <T> the interface
	 * @param type the interface
	 * @param target the object that does the work
	 * @param interceptor what each call goes through, which {@linkplain #proceed proceeds} to the target or not
	 * @return the proxy
	 */
	@SuppressWarnings("unchecked")
	public static <T> T of(Class<T> type, Object target, Interceptor interceptor) {
		InvocationHandler handler = (proxy, method, args) -> interceptor.intercept(target, method, args);
		return (T) Proxy.newProxyInstance(InterceptingProxy.class.getClassLoader(), new Class<?>[] { type }, handler);
	}

	/**
	 * Makes the call on the target, throwing what the target throws.
	 * @param target the object that does the work
	 * @param method the method called
	 * @param args its arguments
	 * @return what the target returns
	 * @throws Throwable what the target throws
	 */
	public static @Nullable Object proceed(Object target, Method method, Object @Nullable [] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	/**
	 * What a call on an {@link InterceptingProxy} goes through.
	 */
	@FunctionalInterface
	public interface Interceptor {

		/**
		 * Handles a call on the proxy.
		 * @param target the object the proxy is around
		 * @param method the method called
		 * @param args its arguments, {@code null} when it takes none
		 * @return the call's result
		 * @throws Throwable the call's failure
		 */
		@Nullable Object intercept(Object target, Method method, Object @Nullable [] args) throws Throwable;

	}

}
