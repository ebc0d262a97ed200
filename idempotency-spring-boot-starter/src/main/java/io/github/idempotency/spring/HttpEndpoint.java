package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What start-up knows about an {@code @Idempotent} HTTP handler: a default endpoint name built from its mapping (such
 * as {@code POST /payments}) and its HTTP methods.
 *
 * @param name the default endpoint name
 * @param httpMethods the mapped HTTP methods, upper case
 */
public record HttpEndpoint(String name, Set<String> httpMethods) {

	/**
	 * Tells which methods are HTTP handlers. The web package provides the Spring MVC one; without it every
	 * {@code @Idempotent} method is a plain bean method.
	 */
	@FunctionalInterface
	public interface Resolver {

		/**
		 * Describes a handler method.
		 * @param method the annotated method
		 * @param beanClass the bean's class
		 * @return the description, or {@code null} when the method is not an HTTP handler
		 * @throws IllegalStateException when the handler cannot be protected
		 */
		@Nullable HttpEndpoint resolve(Method method, Class<?> beanClass);

	}

}
