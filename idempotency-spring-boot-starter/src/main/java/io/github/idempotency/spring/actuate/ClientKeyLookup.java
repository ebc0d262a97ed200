package io.github.idempotency.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.InvalidIdempotencyKeyException;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.spring.IdempotentMethod;
import io.github.idempotency.spring.IdempotentMethodRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * Finds the hashed key under which a client key of an {@code @Idempotent} endpoint is stored, from what an operator
 * knows: the endpoint's name, the client's key, the principal (for a principal-scoped endpoint) and the operation
 * (when the endpoint has several).
 */
final class ClientKeyLookup {

	private final IdempotentMethodRegistry methods;

	private final EndpointOperations operations;

	private final Supplier<@Nullable IdempotentExecutor> executor;

	ClientKeyLookup(IdempotentMethodRegistry methods, EndpointOperations operations,
			Supplier<@Nullable IdempotentExecutor> executor) {
		this.methods = methods;
		this.operations = operations;
		this.executor = executor;
	}

	/**
	 * The storage key of a client key, or a 400 problem that says why there is none.
	 * @param endpoint the endpoint's name
	 * @param clientKey the client's key
	 * @param principal the principal name, for a principal-scoped endpoint
	 * @param operation the operation, needed when the endpoint has several
	 * @return the key, or the problem
	 */
	Located locate(String endpoint, String clientKey, @Nullable String principal, @Nullable String operation) {
		List<IdempotentMethod> matching = this.methods.methods()
			.stream()
			.filter((method) -> method.endpoint().equals(endpoint))
			.toList();
		if (matching.isEmpty()) {
			return Located.problem("No @Idempotent endpoint is named '" + endpoint + "'; GET /actuator/idempotency "
					+ "lists them");
		}
		Map<String, IdempotentMethod> byOperation = new LinkedHashMap<>();
		matching.forEach((method) -> this.operations.of(method).forEach((op) -> byOperation.putIfAbsent(op, method)));
		String chosen = operation;
		if (chosen == null) {
			if (byOperation.size() != 1) {
				return Located.problem("Endpoint '" + endpoint + "' has " + ((byOperation.isEmpty()) ? "no known"
						: "several") + " operations " + byOperation.keySet() + ": name one with 'operation', or "
						+ "delete by the hashed id");
			}
			chosen = byOperation.keySet().iterator().next();
		}
		IdempotentMethod method = byOperation.get(chosen);
		if (method == null) {
			return Located.problem("Endpoint '" + endpoint + "' has no operation '" + chosen + "'; it has "
					+ byOperation.keySet());
		}
		try {
			Optional<IdempotencyKey> key = method.keyFor(chosen, principal, clientKey);
			if (key.isEmpty()) {
				return Located.problem("Endpoint '" + endpoint + "' has a custom scope that only the application "
						+ "resolves: delete by the hashed id, as logged");
			}
			// the executor stores every key in the application's namespace: look it up where it was written
			IdempotentExecutor executor = this.executor.get();
			String namespace = (executor != null) ? executor.namespace() : "";
			return new Located(key.get().inNamespace(namespace).storageKey(), null);
		}
		catch (InvalidIdempotencyKeyException ex) {
			return Located.problem(String.valueOf(ex.getMessage()));
		}
	}

	/** A key resolved from an operator's request, or why it could not be. */
	record Located(@Nullable StorageKey key, @Nullable WebEndpointResponse<Object> problem) {

		static Located problem(String detail) {
			return new Located(null, OperatorProblem.badRequest(detail));
		}

	}

}
