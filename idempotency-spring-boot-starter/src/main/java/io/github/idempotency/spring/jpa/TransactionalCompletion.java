package io.github.idempotency.spring.jpa;

import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;

import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.spring.JoinedCompletion;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttributeSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs an idempotent method in a transaction of the application's {@link PlatformTransactionManager} and writes its
 * completion to the {@link JpaIdempotencyStore} in that same transaction ({@code idempotency.jpa.join-transaction}).
 * The method's database work and the finished record then commit together or not at all: a failure or a crash
 * before the commit leaves neither (the claim is released, or its lease runs out, and a retry runs again); a commit
 * leaves both, so a retry replays. That is exactly-once for the method's local database effects.
 * <p>
 * <strong>Rollback rules.</strong> An exception rolls the transaction back as the method's own
 * {@code @Transactional} (or its class's) says, read by the application's {@link TransactionAttributeSource}:
 * {@code rollbackFor}, {@code noRollbackFor}, and Spring's default of rolling back on unchecked exceptions only. A
 * method with no {@code @Transactional} rolls back on every exception. When the rules keep the work of a failed
 * method, the transaction commits it with a finished error record (a provisional {@code 500} the caller then replaces
 * with the answer it gives, e.g. the rendered error response) and marks the execution's result retained
 * ({@link IdempotencyContext#retainResult()}), so the key is never released: a retry gets the error answer and the
 * method does not run twice.
 * <p>
 * <strong>The commit-to-attach window.</strong> A provisional response (an HTTP handler's, whose bytes exist only
 * once rendered after the commit) makes the record await the final one: the owner token stays on the row, and until
 * the owner attaches the response, or for one lease after the commit, the record counts as in progress (a duplicate
 * gets a 409 or waits). After that the owner is presumed dead and the provisional response is replayed.
 * <p>
 * The completion is fenced like any other: if the execution lost its lease before the commit, the completion is
 * refused, the transaction rolls back and {@link FencedCompletionException} is thrown, so an execution that was
 * taken over leaves no database effect behind.
 */
public final class TransactionalCompletion implements JoinedCompletion {

	private final JpaIdempotencyStore store;

	private final TransactionTemplate transaction;

	private final TransactionAttributeSource rollbackRules;

	/**
	 * A completion that reads the methods' rollback rules from their {@code @Transactional} annotations.
	 * @param store the store, on the same database as the transaction manager
	 * @param transactionManager the application's transaction manager: the {@code EntityManagerFactory}'s
	 * {@code JpaTransactionManager}, or a {@code DataSourceTransactionManager} on the store's {@code DataSource}
	 */
	public TransactionalCompletion(JpaIdempotencyStore store, PlatformTransactionManager transactionManager) {
		this(store, transactionManager, new AnnotationTransactionAttributeSource(false));
	}

	/**
	 * @param store the store, on the same database as the transaction manager
	 * @param transactionManager the application's transaction manager: the {@code EntityManagerFactory}'s
	 * {@code JpaTransactionManager}, or a {@code DataSourceTransactionManager} on the store's {@code DataSource}
	 * @param rollbackRules where the methods' transaction attributes come from (the one of the application's
	 * {@code @Transactional} advice)
	 */
	public TransactionalCompletion(JpaIdempotencyStore store, PlatformTransactionManager transactionManager,
			TransactionAttributeSource rollbackRules) {
		this.store = Objects.requireNonNull(store, "store");
		this.transaction = new TransactionTemplate(Objects.requireNonNull(transactionManager, "transactionManager"));
		this.rollbackRules = Objects.requireNonNull(rollbackRules, "rollbackRules");
	}

	/**
	 * Wraps the protected code of an execution whose completion follows as usual, through
	 * {@link io.github.idempotency.core.execution.IdempotentExecutor#execute IdempotentExecutor.execute} or the web
	 * filter: the returned code runs the original in a new transaction and writes {@code result} to the record in
	 * that transaction, keeping the owner token; the usual completion then attaches the final response to the record
	 * (one more statement). A crash between the commit and that completion leaves the record finished with
	 * {@code result}. Must be called on the thread of the execution, with its {@link IdempotencyContext} bound
	 * (as the executor and the web handler do).
	 * <p>
	 * A failure that the method's rules roll back is rethrown after the rollback, for the caller to release the key
	 * or keep the failure as it would without a transaction. A failure that they do not roll back is rethrown after
	 * the commit, with the execution's result marked retained.
	 * @throws FencedCompletionException (from the wrapped code) when the lease was lost before the commit
	 */
	@Override
	public <T> Callable<T> inTransaction(Method method, @Nullable Class<?> targetClass, Callable<T> action,
			Function<? super T, StoredResponse> result, ExecutionPolicy policy) {
		Objects.requireNonNull(action, "action");
		Objects.requireNonNull(result, "result");
		Objects.requireNonNull(policy, "policy");
		Predicate<Throwable> rollsBackOn = rollsBackOn(method, targetClass);
		return () -> run(IdempotencyContext.require(), policy, action, result, rollsBackOn);
	}

	private Predicate<Throwable> rollsBackOn(Method method, @Nullable Class<?> targetClass) {
		TransactionAttribute attribute = this.rollbackRules.getTransactionAttribute(method, targetClass);
		return (attribute != null) ? attribute::rollbackOn : (ex) -> true;
	}

	private <T> T run(IdempotencyContext context, ExecutionPolicy policy, Callable<T> invocation,
			Function<? super T, StoredResponse> result, Predicate<Throwable> rollsBackOn) throws Exception {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("idempotency.jpa.join-transaction: a transaction is already active "
					+ "when the idempotent execution of " + context.key() + " starts, but the completion must decide "
					+ "when the method's transaction commits. Run the idempotency interceptor outside @Transactional "
					+ "(the default idempotency.interceptor-order), and call the @Idempotent method from code that "
					+ "runs in no transaction (not from another @Transactional or joined @Idempotent method)");
		}
		Outcome<T> outcome;
		try {
			outcome = this.transaction.execute((status) -> {
				try (IdempotencyContext.Scope scope = context.bind()) {
					T value;
					try {
						value = invocation.call();
					}
					catch (Exception | Error ex) {
						if (rollsBackOn.test(ex)) {
							throw ex;
						}
						// the method's rules keep its work: it commits with the failure recorded, never released
						write(context, policy, RecordState.FINISHED_ERROR, StoredResponse.notRetained(500, Map.of()),
								ex);
						return new Outcome<T>(null, ex);
					}
					// what the flush changes in the returned entities (versions, generated values) is part of what
					// commits: encode the result as the caller will see it, not as it was before the flush
					status.flush();
					StoredResponse response = result.apply(value);
					write(context, policy,
							(response.status() >= 400) ? RecordState.FINISHED_ERROR : RecordState.FINISHED_OK, response,
							null);
					return new Outcome<>(value, null);
				}
				catch (RuntimeException | Error ex) {
					throw ex;
				}
				catch (Exception ex) {
					throw new CheckedException(ex);
				}
			});
		}
		catch (CheckedException ex) {
			throw (Exception) ex.getCause();
		}
		if (outcome.failure() == null) {
			return outcome.value();
		}
		context.retainResult();
		if (outcome.failure() instanceof Exception ex) {
			throw ex;
		}
		if (outcome.failure() instanceof Error error) {
			throw error;
		}
		throw new UndeclaredThrowableException(outcome.failure());
	}

	private void write(IdempotencyContext context, ExecutionPolicy policy, RecordState state, StoredResponse response,
			@Nullable Throwable failure) {
		boolean written = this.store.completeInCurrentTransaction(context.key().storageKey(), context.ownerToken(),
				state, response, policy.retention(), policy.lease());
		if (!written) {
			FencedCompletionException fenced = new FencedCompletionException(context.key());
			if (failure != null) {
				fenced.addSuppressed(failure);
			}
			throw fenced;
		}
	}

	private record Outcome<T>(@Nullable T value, @Nullable Throwable failure) {
	}

	/** Carries a method's checked exception through the transaction callback, which rolls back on it. */
	private static final class CheckedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		CheckedException(Exception cause) {
			super(cause);
		}

	}

}
