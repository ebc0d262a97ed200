package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Refuses {@code @Idempotent} on a method whose result does not exist when it returns (a future, a deferred or
 * streamed response, a reactive publisher): the record must hold the result. The web and reactive types are told by
 * name, so that no library is required.
 */
final class AsynchronousResults {

	private static final String[] ASYNC_TYPES = { "org.springframework.web.context.request.async.DeferredResult",
			"org.springframework.web.context.request.async.WebAsyncTask",
			"org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter",
			"org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody",
			"org.reactivestreams.Publisher" };

	private AsynchronousResults() {
	}

	/**
	 * Fails when a method's result is asynchronous or streamed.
	 * @param method the annotated method
	 * @param description the method as error messages name it
	 * @param web whether web handlers exist, so that HTTP entities are inspected (plain applications need no
	 * spring-web)
	 * @throws IllegalStateException when the result is asynchronous or streamed
	 */
	static void refuse(Method method, String description, boolean web) {
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
			return ClassUtils.forName(name, AsynchronousResults.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

}
