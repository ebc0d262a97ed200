package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotencyContext;
import org.jspecify.annotations.Nullable;

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
 * <li>On a failure that rolls back (the code's, as its {@code @Transactional} rollback rules say, or the result
 * function's, or the commit's) nothing was written, the execution is still open and the exception is rethrown: the
 * caller completes or releases as it would without a transaction.</li>
 * <li>On a failure of the code that its rollback rules do not roll back (e.g. {@code noRollbackFor}), the code's
 * work committed with the record finished as an error; the execution's result is marked retained
 * ({@link IdempotencyContext#isResultRetained()}) and the exception is rethrown: the caller stores its answer to the
 * failure, never releases.</li>
 * <li>A provisional response ({@link StoredResponse#notRetained}) leaves the record in progress until the caller
 * attaches the final response, or for one lease after the commit.</li>
 * <li>When the execution lost its lease before the commit, the completion is refused, the transaction rolls back
 * and a {@link RuntimeException} is thrown (the execution is still open; a release is fenced and reported).</li>
 * </ul>
 */
public interface JoinedCompletion {

	/**
	 * Wraps protected code so that it runs in a transaction that also writes its completion.
	 * @param <T> the code's result type
	 * @param method the annotated method, whose {@code @Transactional} (or its class's) gives the rollback rules
	 * @param targetClass the class of the bean the method is called on, or {@code null} when unknown
	 * @param action the protected code
	 * @param result the response to write for the code's result: the final one when known (an encoded return
	 * value), or a provisional one ({@link StoredResponse#notRetained}); a status of 400 or more finishes the record
	 * as {@code FINISHED_ERROR}
	 * @param policy the execution's policy: the record is kept for its retention, and a provisional response awaits
	 * the final one for its lease
	 * @return the wrapped code
	 */
	<T> Callable<T> inTransaction(Method method, @Nullable Class<?> targetClass, Callable<T> action,
			Function<? super T, StoredResponse> result, ExecutionPolicy policy);

}
