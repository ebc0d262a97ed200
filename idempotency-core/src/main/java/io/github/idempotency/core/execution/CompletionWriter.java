package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.time.Clock;

import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStore;

/**
 * Writes how an execution ended (completed or released) and reports it: the request's outcome, a write refused
 * because the lease ran out, the stored response's size. A refused or failed write is logged and returned, never
 * thrown: the protected code already ran, and its caller must get its result.
 */
final class CompletionWriter {

	private static final System.Logger logger = System.getLogger(IdempotentExecutor.class.getName());

	private final IdempotencyStore store;

	private final Clock clock;

	private final IdempotencyListener listener;

	CompletionWriter(IdempotencyStore store, Clock clock, IdempotencyListener listener) {
		this.store = store;
		this.clock = clock;
		this.listener = listener;
	}

	WriteOutcome complete(Execution execution, RecordState state, StoredResponse response) {
		String endpoint = execution.policy().endpoint();
		boolean written;
		try {
			written = this.store.complete(execution.key().storageKey(), execution.owner(), state, response,
					this.clock.instant(), execution.policy().retention());
		}
		catch (RuntimeException ex) {
			this.listener.onOutcome(endpoint, RequestOutcome.EXECUTED);
			logger.log(Level.ERROR, "Failed to store the result of " + execution.key() + "; unless a joined "
					+ "transaction already finished its record, a retry after its lease runs out runs again", ex);
			return WriteOutcome.FAILED;
		}
		return completed(execution, response, written);
	}

	private WriteOutcome completed(Execution execution, StoredResponse response, boolean written) {
		String endpoint = execution.policy().endpoint();
		this.listener.onOutcome(endpoint, RequestOutcome.EXECUTED);
		if (!written) {
			this.listener.onFencedWrite(endpoint, StoreOperation.COMPLETE);
			logger.log(Level.WARNING, "The completion of " + execution.key() + " was refused: its lease ran out "
					+ "before it finished, so its result was not stored and a duplicate may run");
			return WriteOutcome.FENCED;
		}
		this.listener.onResponseStored(endpoint, response.bodyLength());
		return WriteOutcome.APPLIED;
	}

	WriteOutcome release(Execution execution) {
		String endpoint = execution.policy().endpoint();
		this.listener.onOutcome(endpoint, RequestOutcome.RELEASED);
		try {
			boolean released = this.store.release(execution.key().storageKey(), execution.owner(),
					this.clock.instant());
			if (!released) {
				this.listener.onFencedWrite(endpoint, StoreOperation.RELEASE);
				logger.log(Level.WARNING, "The release of " + execution.key() + " was refused: its lease ran out");
				return WriteOutcome.FENCED;
			}
			return WriteOutcome.APPLIED;
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Failed to release " + execution.key()
					+ "; retries are refused until its lease runs out", ex);
			return WriteOutcome.FAILED;
		}
	}

}
