package io.github.idempotency.core.execution;

import java.time.Duration;

import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.jspecify.annotations.Nullable;

/**
 * What {@link IdempotentExecutor#claim} decided for a request.
 */
public sealed interface ClaimOutcome {

	/**
	 * The request is refused without running: {@link InProgress}, {@link Mismatch} or {@link StoreUnavailable}.
	 */
	sealed interface Refused extends ClaimOutcome {

		/**
		 * Why the request is refused.
		 * @return the refusal
		 */
		Refusal refusal();

		/**
		 * When to try again.
		 * @return the delay, or {@code null} when a retry cannot succeed
		 */
		@Nullable Duration retryAfter();

	}

	/**
	 * The key is held: run, then {@link Execution#complete complete} or {@link Execution#release release}. The
	 * execution is this outcome itself, so that a claim makes one object for both.
	 */
	sealed interface Acquired extends ClaimOutcome permits Execution {

		/**
		 * The running execution's handle.
		 * @return the execution, this outcome itself
		 */
		Execution execution();

	}

	/**
	 * The key finished before with the same request: replay the stored result.
	 *
	 * @param state {@link RecordState#FINISHED_OK} or {@link RecordState#FINISHED_ERROR}
	 * @param response the stored response
	 */
	record Replay(RecordState state, StoredResponse response) implements ClaimOutcome {
	}

	/**
	 * The same request is still running elsewhere (and the wait, if any, ran out).
	 *
	 * @param retryAfter when to try again
	 */
	record InProgress(Duration retryAfter) implements Refused {

		@Override
		public Refusal refusal() {
			return Refusal.IN_PROGRESS;
		}

	}

	/** The key was used for a different request. */
	record Mismatch() implements Refused {

		@Override
		public Refusal refusal() {
			return Refusal.KEY_MISMATCH;
		}

		@Override
		public @Nullable Duration retryAfter() {
			return null;
		}

	}

	/**
	 * The store failed and the policy fails closed: refuse the request.
	 *
	 * @param cause the store's failure
	 * @param retryAfter when to try again
	 */
	record StoreUnavailable(IdempotencyStoreException cause, Duration retryAfter) implements Refused {

		/**
		 * {@link Refusal#RECORD_CORRUPT} when the store read a record it cannot decode, else
		 * {@link Refusal#STORE_UNAVAILABLE}.
		 */
		@Override
		public Refusal refusal() {
			return (this.cause instanceof CorruptRecordException) ? Refusal.RECORD_CORRUPT : Refusal.STORE_UNAVAILABLE;
		}

	}

	/**
	 * The store failed and the policy fails open: run the request without protection. Never for a
	 * {@link io.github.idempotency.core.store.CorruptRecordException}: a record that cannot be read means the key
	 * was used, so that failure is always {@link StoreUnavailable}.
	 *
	 * @param cause the store's failure
	 */
	record Unprotected(IdempotencyStoreException cause) implements ClaimOutcome {
	}

}
