package io.github.idempotency.core.execution;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

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

	// plain volatile fields and one updater rather than an atomic object each: one execution starts per request
	private static final AtomicIntegerFieldUpdater<Execution> ENDED = AtomicIntegerFieldUpdater
		.newUpdater(Execution.class, "ended");

	private static final AtomicIntegerFieldUpdater<Execution> RENEWALS = AtomicIntegerFieldUpdater
		.newUpdater(Execution.class, "renewals");

	private final IdempotentExecutor executor;

	private final IdempotencyKey key;

	private final OwnerToken owner;

	private final ExecutionPolicy policy;

	private final Instant startedAt;

	private final IdempotencyContext context;

	/** 1 once ended. */
	private volatile int ended;

	private final Lease lease;

	private volatile @Nullable Future<?> renewalInFlight;

	private volatile @Nullable ScheduledFuture<?> renewal;

	private volatile boolean renewing = true;

	private volatile boolean leaseLost;

	private volatile int renewals;

	Execution(IdempotentExecutor executor, IdempotencyKey key, OwnerToken owner, ExecutionPolicy policy,
			Instant startedAt) {
		this.executor = executor;
		this.key = key;
		this.owner = owner;
		this.policy = policy;
		this.startedAt = startedAt;
		this.lease = new Lease(executor.clock(), policy.lease(), startedAt, policy.maxExecutionTime());
		this.context = new IdempotencyContext(key, owner, this.lease);
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
		// the lease is renewed until the write is done: a completion retried through a store blip must not lose the
		// key to a duplicate meanwhile
		markEnded();
		try {
			return this.executor.writer().complete(this, state, response);
		}
		finally {
			stopRenewal();
			this.executor.ended(this);
		}
	}

	/**
	 * Deletes the claim so that a retry runs again, and ends the execution.
	 * @return how the write ended; a refused or failed write is reported, not thrown
	 * @throws IllegalStateException when the execution already ended
	 */
	public WriteOutcome release() {
		markEnded();
		return releaseClaim();
	}

	/**
	 * Whether {@link #complete}, {@link #release} or {@link #close} was called.
	 * @return {@code true} once ended
	 */
	public boolean isEnded() {
		return this.ended != 0;
	}

	/** Releases the claim unless the execution already ended; calling it again does nothing. */
	@Override
	public void close() {
		// one atomic step, so that a close racing a complete (or another close) neither throws nor writes twice
		if (ENDED.compareAndSet(this, 0, 1)) {
			releaseClaim();
		}
	}

	private WriteOutcome releaseClaim() {
		try {
			return this.executor.writer().release(this);
		}
		finally {
			stopRenewal();
			this.executor.ended(this);
		}
	}

	Lease lease() {
		return this.lease;
	}

	void startRenewal(ScheduledFuture<?> renewal) {
		this.renewal = renewal;
		if (!this.renewing) {
			// ended while the renewal was being scheduled
			renewal.cancel(false);
		}
	}

	/** {@return whether renewals stopped: the execution ended, lost its lease, or ran past its maximum time} */
	boolean isRenewalStopped() {
		return !this.renewing;
	}

	/** {@return whether the lease is still being renewed: until the final write is done, or the lease is lost} */
	boolean isRenewing() {
		return this.renewing;
	}

	/** {@return whether the renewal call last handed to the renewal threads still runs} */
	boolean isRenewalCallRunning() {
		Future<?> previous = this.renewalInFlight;
		return previous != null && !previous.isDone();
	}

	/**
	 * Notes a renewal handed to the renewal threads; only the scheduler's one task of this execution calls it, never
	 * two at once.
	 * @param renewal the running renewal
	 */
	void renewalCallStarted(Future<?> renewal) {
		this.renewalInFlight = renewal;
	}

	/** A renewal at {@code now} extended the lease. */
	void renewed(Instant now) {
		this.lease.renewed(now);
		RENEWALS.incrementAndGet(this);
	}

	RunningExecution snapshot() {
		return new RunningExecution(this.key.storageKey(), this.policy.endpoint(), this.startedAt, this.lease.deadline(),
				this.renewals);
	}

	void markLeaseLost() {
		this.leaseLost = true;
		this.lease.markLost();
		stopRenewal();
	}

	private void markEnded() {
		if (!ENDED.compareAndSet(this, 0, 1)) {
			throw new IllegalStateException("The execution of " + this.key + " already ended");
		}
	}

	void stopRenewal() {
		this.renewing = false;
		ScheduledFuture<?> current = this.renewal;
		if (current != null) {
			current.cancel(false);
		}
	}

}
