package io.github.idempotency.core.execution;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;

/**
 * What {@link IdempotentExecutor#execute} does around a claim: runs the action of the execution that holds the key and
 * stores its value through a {@link ResultCodec}, or answers a duplicate with the decoded value of the first.
 */
final class CodecExecutor {

	private final IdempotentExecutor executor;

	CodecExecutor(IdempotentExecutor executor) {
		this.executor = executor;
	}

	<T> ExecutionResult<T> execute(IdempotencyKey key, RequestFingerprint fingerprint, ExecutionPolicy policy,
			ResultCodec<T> codec, Callable<T> action) throws Exception {
		ClaimOutcome outcome = this.executor.claim(key, fingerprint, policy);
		if (outcome instanceof ClaimOutcome.Acquired acquired) {
			return run(acquired.execution(), codec, action);
		}
		if (outcome instanceof ClaimOutcome.Replay replay) {
			if (replay.state() == RecordState.FINISHED_ERROR) {
				StoredResponse failure = replay.response();
				String reason = (failure.bodyLength() > 0) ? new String(failure.body(), StandardCharsets.UTF_8)
						: "it failed after its effect happened and kept that failure";
				throw new RetainedFailureException("The first execution of " + key + " ran, but " + reason
						+ "; it does not run again");
			}
			return new ExecutionResult.Replayed<>(codec.decode(replay.response().body()));
		}
		if (outcome instanceof ClaimOutcome.InProgress inProgress) {
			return new ExecutionResult.InProgress<>(inProgress.retryAfter());
		}
		if (outcome instanceof ClaimOutcome.Mismatch) {
			return new ExecutionResult.Mismatch<>();
		}
		if (outcome instanceof ClaimOutcome.StoreUnavailable unavailable) {
			return new ExecutionResult.StoreUnavailable<>(unavailable.cause(), unavailable.retryAfter());
		}
		return new ExecutionResult.Executed<>(action.call(), true);
	}

	private <T> ExecutionResult<T> run(Execution execution, ResultCodec<T> codec, Callable<T> action)
			throws Exception {
		T value;
		try (IdempotencyContext.Scope scope = execution.context().bind()) {
			value = action.call();
		}
		catch (Throwable ex) {
			if (execution.context().isResultRetained()) {
				// the effect happened: keep the failure so that a retry does not run it again
				execution.complete(RecordState.FINISHED_ERROR,
						StoredResponse.notRetained(500, Map.of(), StoredResponse.NotRetained.POLICY));
			}
			else {
				execution.release();
			}
			throw ex;
		}
		// the action returned: its effects happened, so from here on nothing releases the key
		byte[] encoded;
		try {
			encoded = codec.encode(value);
		}
		catch (RuntimeException | Error ex) {
			String reason = "its result could not be encoded for replay (" + ex + ")";
			execution.complete(RecordState.FINISHED_ERROR,
					StoredResponse.of(500, Map.of(), reason.getBytes(StandardCharsets.UTF_8)));
			throw ex;
		}
		execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), encoded));
		return new ExecutionResult.Executed<>(value, false);
	}

}
