package io.github.idempotency.spring.jpa;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.Execution;
import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.spring.JoinedCompletion;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs an idempotent method in a transaction of the application's {@link PlatformTransactionManager} and writes its
 * completion to the {@link JpaIdempotencyStore} in that same transaction ({@code idempotency.jpa.join-transaction}).
 * The method's database work and the finished record then commit together or not at all: a failure or a crash
 * before the commit leaves neither (the claim is released, or its lease runs out, and a retry runs again); a commit
 * leaves both, so a retry replays. That is exactly-once for the method's local database effects.
 * <p>
 * The completion is fenced like any other: if the execution lost its lease before the commit, the completion is
 * refused, the transaction rolls back and {@link FencedCompletionException} is thrown, so an execution that was
 * taken over leaves no database effect behind.
 * <p>
 * Callers (the idempotency interceptor) hold an {@link Execution} from a claim that committed on its own, and call
 * this outside any transaction: the interceptor's default order puts it outside {@code @Transactional}, and the
 * method's own {@code @Transactional} then joins the transaction opened here.
 * <ul>
 * <li>{@link #inTransaction}: wraps the protected code for {@code IdempotentExecutor.execute} (or the web handler),
 * whose completion then follows as usual. The least change for a caller; one statement more than the others.</li>
 * <li>{@link #execute}: for methods whose stored result is known when they return (a return value encoded by a
 * codec). The execution ends here: completed on commit, released on any failure.</li>
 * <li>{@link #executeAndMarkFinished}: for HTTP handlers, whose response bytes exist only once the response is
 * rendered, after the transaction. The record is marked finished, with a provisional response whose body is not
 * retained, in the transaction; the execution stays open for the caller to attach the rendered response with
 * {@link Execution#complete} (never {@link Execution#release}: the effects committed). A retry that arrives before
 * the response is attached, or after a crash in between, is answered as a response that was not retained.</li>
 * </ul>
 */
public final class TransactionalCompletion implements JoinedCompletion {

	private final JpaIdempotencyStore store;

	private final TransactionTemplate transaction;

	/**
	 * @param store the store, on the same database as the transaction manager
	 * @param transactionManager the application's transaction manager: the {@code EntityManagerFactory}'s
	 * {@code JpaTransactionManager}, or a {@code DataSourceTransactionManager} on the store's {@code DataSource}
	 */
	public TransactionalCompletion(JpaIdempotencyStore store, PlatformTransactionManager transactionManager) {
		this.store = Objects.requireNonNull(store, "store");
		this.transaction = new TransactionTemplate(Objects.requireNonNull(transactionManager, "transactionManager"));
	}

	/**
	 * Wraps the protected code of an execution whose completion follows as usual, through
	 * {@link io.github.idempotency.core.execution.IdempotentExecutor#execute IdempotentExecutor.execute} or the web
	 * filter: the returned code runs the original in a new transaction and writes {@code result} to the record in
	 * that transaction, keeping the owner token; the usual completion then attaches the final response to the record
	 * (one more statement). A crash between the commit and that completion leaves the record finished with
	 * {@code result}. Must be called on the thread of the execution, with its {@link IdempotencyContext} bound
	 * (as the executor and the web handler do).
	 * <pre>{@code
	 * executor.execute(key, fingerprint, policy, codec, completion.inTransaction(action,
	 *         (value) -> StoredResponse.of(200, Map.of(), codec.encode(value)), policy.retention()));
	 * }</pre>
	 * A failure rolls the transaction back and is rethrown, for the caller to release the key or keep the failure as
	 * it would without a transaction.
	 * @param <T> the result type
	 * @param action the protected code
	 * @param result the response to write for the code's result: the final one when it is known (an encoded return
	 * value), or a provisional one (an HTTP handler's status and headers, with
	 * {@link StoredResponse#notRetained}); a status of 400 or more marks the record
	 * {@link RecordState#FINISHED_ERROR}
	 * @param retention how long the record is kept
	 * @return the wrapped code
	 * @throws FencedCompletionException (from the wrapped code) when the lease was lost before the commit
	 */
	@Override
	public <T> Callable<T> inTransaction(Callable<T> action, Function<? super T, StoredResponse> result,
			Duration retention) {
		Objects.requireNonNull(action, "action");
		Objects.requireNonNull(result, "result");
		Objects.requireNonNull(retention, "retention");
		return () -> runInTransaction(IdempotencyContext.require(), retention, action, result, null).value();
	}

	/**
	 * Runs {@code invocation} in a new transaction, writes its result as a {@link RecordState#FINISHED_OK} record
	 * in that transaction, commits, and ends {@code execution}. On any exception (from the method, the result
	 * function or the commit) the transaction rolls back, the claim is released and the exception is rethrown.
	 * @param <T> the method's result type
	 * @param execution the execution that holds the key, not yet ended
	 * @param invocation the method
	 * @param result the response to store for the method's result (e.g. its encoded value)
	 * @return the method's result
	 * @throws FencedCompletionException when the lease was lost before the commit (nothing was committed)
	 * @throws Exception what the method threw
	 */
	public <T> T execute(Execution execution, Callable<T> invocation, Function<? super T, StoredResponse> result)
			throws Exception {
		Outcome<T> outcome;
		try {
			outcome = runInTransaction(execution.context(), execution.policy().retention(), invocation, result,
					RecordState.FINISHED_OK);
		}
		catch (FencedCompletionException ex) {
			execution.completedInTransaction(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0]),
					false);
			throw ex;
		}
		catch (Throwable ex) {
			if (execution.context().isResultRetained()) {
				// an effect outside the database happened although the transaction rolled back: keep the failure,
				// as IdempotentExecutor does, so that a retry does not run it again
				execution.complete(RecordState.FINISHED_ERROR,
						StoredResponse.notRetained(500, Map.of(), StoredResponse.NotRetained.POLICY));
			}
			else {
				execution.release();
			}
			throw ex;
		}
		execution.completedInTransaction(RecordState.FINISHED_OK, outcome.response(), true);
		return outcome.value();
	}

	/**
	 * Runs {@code invocation} in a new transaction and, in that transaction, marks the record finished with the
	 * provisional response (status and headers; its body is not retained) before the commit. The execution stays
	 * open: after the commit, attach the final response with {@link Execution#complete}. On an exception (from the
	 * method or the commit) the transaction rolls back, the record stays ongoing, the execution stays open for the
	 * caller to complete or release as without a transaction, and the exception is rethrown.
	 * @param <T> the method's result type
	 * @param execution the execution that holds the key, not yet ended
	 * @param invocation the handler method
	 * @param provisional the response to keep should the final one never be attached; a status of 400 or more
	 * marks the record {@link RecordState#FINISHED_ERROR}
	 * @return the method's result
	 * @throws FencedCompletionException when the lease was lost before the commit (nothing was committed; the
	 * execution has ended)
	 * @throws Exception what the method threw
	 */
	public <T> T executeAndMarkFinished(Execution execution, Callable<T> invocation,
			Function<? super T, StoredResponse> provisional) throws Exception {
		try {
			return runInTransaction(execution.context(), execution.policy().retention(), invocation, (value) -> {
				StoredResponse response = provisional.apply(value);
				return StoredResponse.notRetained(response.status(), response.headers());
			}, null).value();
		}
		catch (FencedCompletionException ex) {
			execution.completedInTransaction(RecordState.FINISHED_OK, StoredResponse.notRetained(200, Map.of()), false);
			throw ex;
		}
	}

	private <T> Outcome<T> runInTransaction(IdempotencyContext context, Duration retention, Callable<T> invocation,
			Function<? super T, StoredResponse> result, RecordState fixedState) throws Exception {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("idempotency.jpa.join-transaction: a transaction is already active "
					+ "when the idempotent execution of " + context.key() + " starts, but the completion must decide "
					+ "when the method's transaction commits. Run the idempotency interceptor outside @Transactional "
					+ "(the default idempotency.interceptor-order), and call the @Idempotent method from code that "
					+ "runs in no transaction (not from another @Transactional or joined @Idempotent method)");
		}
		try {
			return this.transaction.execute((status) -> {
				try (IdempotencyContext.Scope scope = context.bind()) {
					T value = invocation.call();
					StoredResponse response = result.apply(value);
					RecordState state = (fixedState != null) ? fixedState
							: (response.status() >= 400) ? RecordState.FINISHED_ERROR : RecordState.FINISHED_OK;
					boolean written = this.store.completeInCurrentTransaction(context.key().storageKey(),
							context.ownerToken(), state, response, retention);
					if (!written) {
						throw new FencedCompletionException(context.key());
					}
					return new Outcome<>(value, response);
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
	}

	private record Outcome<T>(T value, StoredResponse response) {
	}

	/** Carries a method's checked exception through the transaction callback, which rolls back on it. */
	private static final class CheckedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		CheckedException(Exception cause) {
			super(cause);
		}

	}

}
