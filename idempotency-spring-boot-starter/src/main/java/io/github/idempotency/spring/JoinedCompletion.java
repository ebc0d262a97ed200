package io.github.idempotency.spring;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.IdempotencyContext;

/**
 * Runs the protected code of an idempotent execution in a transaction that also writes its completion, so that the
 * code's database work and the finished record commit or roll back together. The JPA store provides one with
 * {@code idempotency.jpa.join-transaction=true}; the interceptor and the web handler use it when the bean exists.
 * <p>
 * Contract of the wrapped code returned by {@link #inTransaction}:
 * <ul>
 * <li>It must be called on the execution's thread with the execution's {@link IdempotencyContext} bound, and with
 * no transaction active (the interceptor runs outside {@code @Transactional}); otherwise it throws
 * {@link IllegalStateException} and runs nothing.</li>
 * <li>On success the transaction has committed the code's work together with the record finished with
 * {@code result}'s response; the owner token is kept, so the caller then ends the execution with the usual
 * {@code Execution.complete} to attach the final response (never {@code release}: the effects are committed).</li>
 * <li>On any failure (the code, the result function, the commit) the transaction has rolled back, nothing was
 * written, the execution is still open and the exception is rethrown: the caller completes or releases as it would
 * without a transaction.</li>
 * <li>When the execution lost its lease before the commit, the completion is refused, the transaction rolls back
 * and a {@link RuntimeException} is thrown (the execution is still open; a release is fenced and reported).</li>
 * </ul>
 */
public interface JoinedCompletion {

	/**
	 * Wraps protected code so that it runs in a transaction that also writes its completion.
	 * @param <T> the code's result type
	 * @param action the protected code
	 * @param result the response to write for the code's result: the final one when known (an encoded return
	 * value), or a provisional one ({@link StoredResponse#notRetained}); a status of 400 or more finishes the record
	 * as {@code FINISHED_ERROR}
	 * @param retention how long the record is kept
	 * @return the wrapped code
	 */
	<T> Callable<T> inTransaction(Callable<T> action, Function<? super T, StoredResponse> result, Duration retention);

}
