package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.jspecify.annotations.Nullable;

/**
 * Writes how an execution ended (completed or released) and reports it: the request's outcome, a write refused
 * because the lease ran out, the stored response's size. A write that fails with a store error (a timeout, a
 * connection blip) is tried again with exponential backoff for as long as the lease lasts, while the lease is still
 * renewed, so that a duplicate meanwhile is told "in progress" and never runs the code again. A write that failed
 * for good, or was refused, is logged and returned, never thrown: the protected code already ran, and its caller
 * must get its result.
 */
final class CompletionWriter {

	private static final System.Logger logger = System.getLogger(IdempotentExecutor.class.getName());

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(10);

	private final ObservedStore store;

	private final Clock clock;

	private final IdempotencyListener listener;

	CompletionWriter(ObservedStore store, Clock clock, IdempotencyListener listener) {
		this.store = store;
		this.clock = clock;
		this.listener = listener;
	}

	WriteOutcome complete(Execution execution, RecordState state, StoredResponse response) {
		String endpoint = execution.policy().endpoint();
		long startedAt = System.nanoTime();
		Boolean written;
		// tried once without a lambda: the write that succeeds at once, by far the most common, allocates nothing
		try {
			written = completeOnce(execution, state, response, startedAt);
		}
		catch (IdempotencyStoreException ex) {
			written = withRetries(execution, StoreOperation.COMPLETE,
					() -> completeOnce(execution, state, response, System.nanoTime()), startedAt, ex);
			if (Boolean.FALSE.equals(written) && storedByAnEarlierAttempt(execution, state, response)) {
				written = true;
			}
		}
		if (written == null) {
			this.listener.onOutcome(endpoint, RequestOutcome.EXECUTED);
			logger.log(Level.ERROR, "Failed to store the result of " + execution.key() + " while its lease lasted; "
					+ "unless a joined transaction already finished its record, a retry after its lease runs out "
					+ "runs again");
			return WriteOutcome.FAILED;
		}
		return completed(execution, response, written);
	}

	/**
	 * Whether the record holds exactly this completion although the last attempt was refused: an attempt that
	 * failed on the way back (a timeout, a reset connection) can still have been applied by the store, for example
	 * by a Redis that was frozen and ran the commands it had queued once thawed. The retry then finds the record
	 * finished; reporting that as a refused write would claim that the result was lost when it was stored.
	 */
	private boolean storedByAnEarlierAttempt(Execution execution, RecordState state, StoredResponse response) {
		try {
			IdempotencyRecord found = this.store.find(execution.key().storageKey(), IdempotentExecutor.now(this.clock))
				.orElse(null);
			boolean stored = found != null && found.state() == state && found.awaitingResponseUntil() == null
					&& response.equals(found.response());
			if (stored) {
				logger.log(Level.INFO, "The completion of " + execution.key() + " had been stored by an earlier "
						+ "attempt that seemed to fail");
			}
			return stored;
		}
		catch (IdempotencyStoreException ex) {
			// cannot tell: report the refusal, the safer reading for whoever watches for lost results
			return false;
		}
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
		long startedAt = System.nanoTime();
		Boolean released;
		try {
			released = releaseOnce(execution);
		}
		catch (IdempotencyStoreException ex) {
			released = withRetries(execution, StoreOperation.RELEASE,
					() -> releaseOnce(execution), startedAt, ex);
		}
		if (released == null) {
			logger.log(Level.WARNING, "Failed to release " + execution.key()
					+ " while its lease lasted; retries are refused until its lease runs out");
			return WriteOutcome.FAILED;
		}
		if (!released) {
			this.listener.onFencedWrite(endpoint, StoreOperation.RELEASE);
			logger.log(Level.WARNING, "The release of " + execution.key() + " was refused: its lease ran out");
			return WriteOutcome.FENCED;
		}
		return WriteOutcome.APPLIED;
	}

	/**
	 * Calls {@code write} until it answers, pausing between attempts (10 ms, doubling, at most a tenth of the lease)
	 * while the lease lasts: by the executor's clock (the deadline its renewals keep moving), and at most one lease
	 * of real time, so that a clock that stands still cannot keep a request waiting for ever.
	 * @return the write's answer, or {@code null} when every attempt failed (reported and logged once here)
	 */
	private boolean completeOnce(Execution execution, RecordState state, StoredResponse response, long startedAt) {
		// in milliseconds: a store that decides in them, the memory store, makes no instant for it; timed from the
		// time that bounds the retries, rather than from a second read of it
		return this.store.complete(execution.key().storageKey(), execution.owner(), state, response,
				this.clock.millis(), execution.policy().retention(), startedAt);
	}

	private boolean releaseOnce(Execution execution) {
		return this.store.release(execution.key().storageKey(), execution.owner(), IdempotentExecutor.now(this.clock));
	}

	/**
	 * Tries a write that failed once again, for as long as the lease lasts.
	 * @param startedAt when the first attempt started ({@link System#nanoTime()})
	 * @param firstFailure how it failed
	 * @return the store's answer, or {@code null} when every attempt failed
	 */
	private @Nullable Boolean withRetries(Execution execution, StoreOperation operation, BooleanSupplier write,
			long startedAt, IdempotencyStoreException firstFailure) {
		String endpoint = execution.policy().endpoint();
		Duration lease = execution.policy().lease();
		long giveUpAt = startedAt + lease.toNanos();
		long maxBackoff = Math.max(FIRST_BACKOFF.toNanos(), lease.toNanos() / 10);
		long backoff = FIRST_BACKOFF.toNanos();
		int retries = 0;
		IdempotencyStoreException failure = firstFailure;
		while (true) {
			Instant wakeUp = IdempotentExecutor.now(this.clock).plusNanos(backoff);
			boolean leaseLasts = !execution.isLeaseLost() && wakeUp.isBefore(execution.leaseDeadline())
					&& System.nanoTime() + backoff - giveUpAt < 0;
			if (!leaseLasts || !pause(backoff)) {
				this.listener.onWriteFailed(endpoint, operation);
				logger.log(Level.ERROR, "The " + operation.tagValue() + " of " + execution.key() + " failed "
						+ (retries + 1) + " times, the last time with:", failure);
				return null;
			}
			retries++;
			this.listener.onWriteRetried(endpoint, operation);
			logger.log(Level.WARNING, "The " + operation.tagValue() + " of " + execution.key() + " failed ("
					+ failure.getMessage() + "); retry " + retries + " after " + Duration.ofNanos(backoff).toMillis()
					+ " ms, the lease being renewed meanwhile");
			backoff = Math.min(maxBackoff, backoff * 2);
			try {
				boolean answer = write.getAsBoolean();
				if (answer) {
					// a refused answer is reported by the caller, never as stored
					logger.log(Level.INFO, "Stored the " + operation.tagValue() + " of " + execution.key() + " after "
							+ retries + " " + ((retries == 1) ? "retry" : "retries"));
				}
				return answer;
			}
			catch (IdempotencyStoreException ex) {
				failure = ex;
			}
		}
	}

	private static boolean pause(long nanos) {
		try {
			TimeUnit.NANOSECONDS.sleep(nanos);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
