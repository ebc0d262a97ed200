package io.github.idempotency.spring.actuate;

import java.util.List;

/**
 * What {@code GET /actuator/idempotency} answers: the store in use, every {@code @Idempotent} endpoint with its
 * settings, and the executions running in this instance. Keys appear only hashed.
 *
 * @param store the store in use
 * @param endpoints the configured endpoints, by name
 * @param executions the executions holding a key in this instance, oldest first
 */
public record IdempotencyReport(Store store, List<Endpoint> endpoints, List<Execution> executions) {

	/**
	 * The store in use.
	 *
	 * @param name its short name ({@code memory}, {@code redis}, {@code jpa}, or a custom store's)
	 * @param type its class
	 */
	public record Store(String name, String type) {
	}

	/**
	 * One {@code @Idempotent} endpoint as resolved at start-up.
	 *
	 * @param name the endpoint's name (metrics tag, {@code idempotency.endpoints.<name>})
	 * @param operations the operation parts of its keys (HTTP method and route template, or {@code Class#method})
	 * @param store the store its records live in
	 * @param ttl the retention of a finished result, ISO-8601
	 * @param lease the lease of a running execution, ISO-8601
	 * @param onConflict what a duplicate does while the first runs ({@code reject} or {@code wait})
	 * @param waitTimeout how long a waiting duplicate waits, ISO-8601
	 * @param keySource where the key comes from ({@code header}, {@code body-hash} or {@code expression})
	 * @param keyRequired whether a request without a key is refused
	 * @param scope who shares records ({@code principal}, {@code global} or {@code custom})
	 */
	public record Endpoint(String name, List<String> operations, String store, String ttl, String lease,
			String onConflict, String waitTimeout, String keySource, boolean keyRequired, String scope) {
	}

	/**
	 * One execution holding its key in this instance.
	 *
	 * @param id the hashed key (the id that {@code /actuator/idempotency/{id}} takes)
	 * @param endpoint the endpoint's name
	 * @param startedAt when it claimed the key
	 * @param age how long it has run, ISO-8601
	 * @param leaseDeadline when its lease runs out unless renewed, by this instance's clock
	 * @param renewals how many times its lease was renewed
	 */
	public record Execution(String id, String endpoint, String startedAt, String age, String leaseDeadline,
			int renewals) {
	}

}
