package io.github.idempotency.core.execution;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import org.jspecify.annotations.Nullable;

/**
 * A running execution that holds its key. Its lease is renewed in the background until it ends with exactly one of
 * {@link #complete} or {@link #release}; {@link #close()} releases it if neither was called, so a forgotten
 * execution never blocks its key for longer than necessary.
 * <p>
 * Not for sharing between requests: one execution, one owner.
 */
public final class Execution implements AutoCloseable {

	private final IdempotentExecutor executor;

	private final IdempotencyKey key;

	private final OwnerToken owner;

	private final ExecutionPolicy policy;

	private final Instant startedAt;

	private final IdempotencyContext context;

	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile @Nullable ScheduledFuture<?> renewal;

	private volatile boolean leaseLost;

	private volatile Instant leaseDeadline;

	private final AtomicInteger renewals = new AtomicInteger();

	Execution(IdempotentExecutor executor, IdempotencyKey key, OwnerToken owner, ExecutionPolicy policy,
			Instant startedAt) {
		this.executor = executor;
		this.key = key;
		this.owner = owner;
		this.policy = policy;
		this.startedAt = startedAt;
		this.context = new IdempotencyContext(key, owner);
		this.leaseDeadline = startedAt.plus(policy.lease());
	}

	public IdempotencyKey key() {
		return this.key;
	}

	public OwnerToken owner() {
		return this.owner;
	}

	public ExecutionPolicy policy() {
		return this.policy;
	}

	/**
	 * When the claim was made, by the executor's clock.
	 * @return the start instant
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * The context to {@link IdempotencyContext#bind() bind} while the protected code runs.
	 * @return the context
	 */
	public IdempotencyContext context() {
		return this.context;
	}

	/**
	 * Whether a renewal was refused because the lease had run out: another execution may hold the key now.
	 * @return {@code true} once the lease is known to be lost
	 */
	public boolean isLeaseLost() {
		return this.leaseLost;
	}

	/**
	 * Stores the result for replay and ends the execution.
	 * @param state {@link RecordState#FINISHED_OK} or {@link RecordState#FINISHED_ERROR}
	 * @param response the response to replay
	 * @return how the write ended; a refused or failed write is reported, not thrown
	 * @throws IllegalArgumentException when {@code state} is not a finished state or {@code response} is
	 * {@code null}; the execution then still holds its key
	 * @throws IllegalStateException when the execution already ended
	 */
	public WriteOutcome complete(RecordState state, StoredResponse response) {
		// checked before ending: a bad argument reaching the store would pass for a store failure and leave the key
		// blocked until its lease runs out
		Objects.requireNonNull(state, "state");
		if (!state.isFinished()) {
			throw new IllegalArgumentException("An execution completes as FINISHED_OK or FINISHED_ERROR, not " + state);
		}
		Objects.requireNonNull(response, "response");
		end();
		try {
			return this.executor.writer().complete(this, state, response);
		}
		finally {
			this.executor.ended(this);
		}
	}

	/**
	 * Ends an execution whose completion was already written inside the application's own transaction, by a store
	 * that joins it (the JPA store with {@code idempotency.jpa.join-transaction}): reports the outcome as
	 * {@link #complete} does, without writing again.
	 * @param state the state that was written
	 * @param response the response that was written
	 * @param written {@code true} when the transaction committed the completion; {@code false} when the write was
	 * fenced (the lease was lost) and the transaction rolled back
	 * @return {@link WriteOutcome#APPLIED} or {@link WriteOutcome#FENCED}
	 * @throws IllegalStateException when the execution already ended
	 */
	public WriteOutcome completedInTransaction(RecordState state, StoredResponse response, boolean written) {
		if (!state.isFinished()) {
			throw new IllegalArgumentException("A completion finishes the record, not " + state);
		}
		end();
		try {
			return this.executor.writer().completed(this, response, written);
		}
		finally {
			this.executor.ended(this);
		}
	}

	/**
	 * Deletes the claim so that a retry runs again, and ends the execution.
	 * @return how the write ended; a refused or failed write is reported, not thrown
	 * @throws IllegalStateException when the execution already ended
	 */
	public WriteOutcome release() {
		end();
		return releaseClaim();
	}

	/**
	 * Whether {@link #complete}, {@link #release} or {@link #close} was called.
	 * @return {@code true} once ended
	 */
	public boolean isEnded() {
		return this.ended.get();
	}

	/** Releases the claim unless the execution already ended; calling it again does nothing. */
	@Override
	public void close() {
		// one atomic step, so that a close racing a complete (or another close) neither throws nor writes twice
		if (this.ended.compareAndSet(false, true)) {
			stopRenewal();
			releaseClaim();
		}
	}

	private WriteOutcome releaseClaim() {
		try {
			return this.executor.writer().release(this);
		}
		finally {
			this.executor.ended(this);
		}
	}

	void startRenewal(ScheduledFuture<?> renewal) {
		this.renewal = renewal;
	}

	/** A renewal extended the lease to {@code deadline} (by this JVM's clock). */
	void renewed(Instant deadline) {
		this.leaseDeadline = deadline;
		this.renewals.incrementAndGet();
	}

	RunningExecution snapshot() {
		return new RunningExecution(this.key.storageKey(), this.policy.endpoint(), this.startedAt, this.leaseDeadline,
				this.renewals.get());
	}

	void markLeaseLost() {
		this.leaseLost = true;
		stopRenewal();
	}

	private void end() {
		if (!this.ended.compareAndSet(false, true)) {
			throw new IllegalStateException("The execution of " + this.key + " already ended");
		}
		stopRenewal();
	}

	private void stopRenewal() {
		ScheduledFuture<?> current = this.renewal;
		if (current != null) {
			current.cancel(false);
		}
	}

}
