package io.github.idempotency.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.RunningExecution;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.IdempotentMethod;
import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.actuate.ClientKeyLookup.Located;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The {@code idempotency} actuator endpoint, over HTTP only. Like every actuator endpoint it is reachable only once
 * the application exposes it ({@code management.endpoints.web.exposure.include=idempotency}); secure it like the
 * other sensitive endpoints.
 * <ul>
 * <li>{@code GET /actuator/idempotency}: the store, the configured endpoints, the executions running in this
 * instance ({@link IdempotencyReport}). With {@code endpoint} and {@code key} (and {@code principal} for a
 * principal-scoped endpoint, {@code operation} when the endpoint has several), the record of that key instead.</li>
 * <li>{@code GET /actuator/idempotency/{id}}: one record by its hashed key ({@link RecordView}).</li>
 * <li>{@code DELETE /actuator/idempotency/{id}?version=...}, or {@code DELETE /actuator/idempotency?endpoint=...
 * &key=...&principal=...&version=...}: deletes the record only if it is still the version read, through
 * {@link IdempotencyStore#deleteIfUnchanged} (fenced like every write: a completion or a takeover since the read
 * wins). {@code force=true} instead of a version deletes whatever is there, and says so in the log. Every delete is
 * logged and reported to the {@link RecordDeletionListener}.</li>
 * </ul>
 * Answers: 200 with the outcome, 404 when no record is in force, 409 when the record changed since it was read or
 * cannot be decoded (only a forced delete removes it), 400 for a request that cannot be acted on, 503 when the store
 * cannot be reached; errors are {@code application/problem+json}.
 */
@WebEndpoint(id = "idempotency")
public final class IdempotencyEndpoint {

	private static final String UNKNOWN_ENDPOINT = "unknown";

	private final IdempotencyStore store;

	private final Supplier<@Nullable IdempotentExecutor> executor;

	private final IdempotentMethodRegistry methods;

	private final EndpointOperations operations;

	private final ClientKeyLookup keys;

	private final OperatorDeletion deletion;

	private final Clock clock;

	/**
	 * @param store the store records live in (the application's store bean, not the executor's observed view)
	 * @param executor the executor whose running executions are shown; supplies {@code null} when there is none
	 * @param methods the resolved {@code @Idempotent} methods
	 * @param operations the operations of each method's keys
	 * @param listener told of every delete
	 * @param clock the clock that ages executions and is passed to the store
	 */
	public IdempotencyEndpoint(IdempotencyStore store, Supplier<@Nullable IdempotentExecutor> executor,
			IdempotentMethodRegistry methods, EndpointOperations operations, RecordDeletionListener listener,
			Clock clock) {
		this.store = store;
		this.executor = executor;
		this.methods = methods;
		this.operations = operations;
		this.keys = new ClientKeyLookup(methods, operations, executor);
		this.deletion = new OperatorDeletion(store, listener, clock);
		this.clock = clock;
	}

	/**
	 * The report, or the record of one key when {@code endpoint} and {@code key} are given.
	 * @param endpoint an endpoint's name, to look up one key
	 * @param key the client's key
	 * @param principal the caller's principal name, for a principal-scoped endpoint
	 * @param operation the operation, when the endpoint has several
	 * @return the report, the record, or a problem
	 */
	@ReadOperation
	public WebEndpointResponse<Object> report(@Nullable String endpoint, @Nullable String key,
			@Nullable String principal, @Nullable String operation) {
		if (endpoint == null && key == null) {
			return new WebEndpointResponse<>(report());
		}
		if (endpoint == null || key == null) {
			return OperatorProblem.badRequest("Look a key up with both 'endpoint' and 'key'");
		}
		Located located = this.keys.locate(endpoint, key, principal, operation);
		return (located.problem() != null) ? located.problem() : record(located.key().value());
	}

	/**
	 * One record by its hashed key.
	 * @param id the hashed key (64 hex characters), as the report and the logs show it
	 * @return the record, or a problem
	 */
	@ReadOperation
	public WebEndpointResponse<Object> record(@Selector String id) {
		StorageKey key = parseId(id);
		if (key == null) {
			return OperatorProblem.badRequest(invalidId());
		}
		try {
			Optional<IdempotencyRecord> record = this.store.find(key, this.clock.instant());
			return record.<WebEndpointResponse<Object>>map((found) -> new WebEndpointResponse<>(view(key, found)))
				.orElseGet(() -> OperatorProblem.absent(id));
		}
		catch (CorruptRecordException ex) {
			return OperatorProblem.unreadable(id);
		}
		catch (IdempotencyStoreException ex) {
			return unavailable(ex);
		}
	}

	/**
	 * Deletes one record by its hashed key.
	 * @param id the hashed key
	 * @param version the version read from {@link #record}; the record is deleted only if it still has it
	 * @param force {@code true} to delete whatever is there, instead of a version
	 * @return the outcome, or a problem
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> deleteById(@Selector String id, @Nullable String version,
			@Nullable Boolean force) {
		StorageKey key = parseId(id);
		if (key == null) {
			return OperatorProblem.badRequest(invalidId());
		}
		return this.deletion.delete(key, UNKNOWN_ENDPOINT, version, force);
	}

	/**
	 * Deletes the record of one client key.
	 * @param endpoint the endpoint's name
	 * @param key the client's key
	 * @param principal the caller's principal name, for a principal-scoped endpoint
	 * @param operation the operation, when the endpoint has several
	 * @param version the version read; the record is deleted only if it still has it
	 * @param force {@code true} to delete whatever is there, instead of a version
	 * @return the outcome, or a problem
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> deleteByKey(String endpoint, String key, @Nullable String principal,
			@Nullable String operation, @Nullable String version, @Nullable Boolean force) {
		Located located = this.keys.locate(endpoint, key, principal, operation);
		if (located.problem() != null) {
			return located.problem();
		}
		return this.deletion.delete(located.key(), endpoint, version, force);
	}

	private IdempotencyReport report() {
		IdempotencyReport.Store store = new IdempotencyReport.Store(this.store.name(), this.store.getClass().getName());
		List<IdempotencyReport.Endpoint> endpoints = this.methods.methods().stream().map(this::describe).toList();
		IdempotentExecutor executor = this.executor.get();
		Instant now = this.clock.instant();
		List<IdempotencyReport.Execution> executions = (executor != null)
				? executor.runningExecutions().stream().map((running) -> describe(running, now)).toList() : List.of();
		return new IdempotencyReport(store, endpoints, executions);
	}

	private IdempotencyReport.Endpoint describe(IdempotentMethod method) {
		ExecutionPolicy policy = method.policy();
		String keySource = method.hasKeyExpression() ? "expression"
				: (method.keySource() == Idempotent.KeySource.BODY_HASH) ? "body-hash" : "header";
		return new IdempotencyReport.Endpoint(method.endpoint(), this.operations.of(method), this.store.name(),
				policy.retention().toString(), policy.lease().toString(), lowerCase(policy.onConflict().name()),
				policy.waitTimeout().toString(), keySource, method.isRequired(), lowerCase(method.scope().name()));
	}

	private static IdempotencyReport.Execution describe(RunningExecution running, Instant now) {
		return new IdempotencyReport.Execution(running.key().value(), running.endpoint(),
				running.startedAt().toString(), running.age(now).toString(), running.leaseDeadline().toString(),
				running.renewals());
	}

	private static RecordView view(StorageKey key, IdempotencyRecord record) {
		Integer status = (record.response() != null) ? record.response().status() : null;
		return new RecordView(key.value(), record.state().name(), record.expiresAt().toString(), status,
				RecordVersion.of(record));
	}

	private static @Nullable StorageKey parseId(String id) {
		try {
			return new StorageKey(id);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static String invalidId() {
		return "The id is a hashed key: 64 lower-case hex characters, as the report and the logs show it";
	}

	private static WebEndpointResponse<Object> unavailable(IdempotencyStoreException ex) {
		return OperatorProblem.storeUnavailable(String.valueOf(ex.getMessage()));
	}

	private static String lowerCase(String name) {
		return name.toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
