package io.github.idempotency.spring.actuate;

import java.util.List;

import io.github.idempotency.spring.IdempotentMethod;

/**
 * The operation parts of the keys of an {@code @Idempotent} method, as the interceptor builds them:
 * {@code Class#method} for a plain bean method, HTTP method and route template (such as {@code POST /payments}) for a
 * web handler. An operator's key is hashed with one of them.
 */
@FunctionalInterface
public interface EndpointOperations {

	/** Plain bean methods only: a web handler has no operation without a request mapping to read it from. */
	EndpointOperations NON_WEB = (method) -> method.isWeb() ? List.of() : List.of(method.operation());

	/**
	 * Lists a method's operations.
	 * @param method the method
	 * @return its operations, empty when they cannot be known
	 */
	List<String> of(IdempotentMethod method);

}
