package io.github.idempotency.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StoredResponse;
import org.jspecify.annotations.Nullable;

/**
 * A running execution that holds its key. Its lease is renewed in the background until it ends with exactly one of
 * {@link #complete} or {@link #release}; {@link #close()} releases it if neither was called, so a forgotten
 * execution never blocks its key for longer than necessary. A claim that acquires its key answers with the execution
 * itself, as its {@link ClaimOutcome.Acquired}.
 * <p>
 * Not for sharing between requests: one execution, one owner.
 */
public final class Execution implements ClaimOutcome.Acquired, AutoCloseable {

	// one object per request holds the execution, its lease and its place among the active executions: plain
	// volatile fields with field updaters rather than an atomic object, a lease object or a map entry each, its
	// flags in one int and its start in milliseconds (64 bytes, no instant). What only renewals need is in a
	// Renewals made by the first one: most executions end before it

	private static final AtomicIntegerFieldUpdater<Execution> FLAGS = AtomicIntegerFieldUpdater
		.newUpdater(Execution.class, "flags");

	/** Set once {@link #complete}, {@link #release} or {@link #close} was called. */
	private static final int ENDED = 1;

	/** Set once a renewal was refused because the lease had run out. */
	private static final int LEASE_LOST = 1 << 1;

	/** Set once renewals stopped: the execution ended, lost its lease, or ran past its maximum time. */
	private static final int RENEWAL_STOPPED = 1 << 2;

	/** Set once the protected code asked to keep its result even if it fails. */
	private static final int RESULT_RETAINED = 1 << 3;

	private static final AtomicReferenceFieldUpdater<Execution, Renewals> RENEWALS = AtomicReferenceFieldUpdater
		.newUpdater(Execution.class, Renewals.class, "renewals");

	private final IdempotentExecutor executor;

	private final IdempotencyKey key;

	private final OwnerToken owner;

	private final ExecutionPolicy policy;

	/** When the claim was made, in milliseconds since the epoch by the executor's clock. */
	private final long startedAtMillis;

	/** {@link #ENDED}, {@link #LEASE_LOST}, {@link #RENEWAL_STOPPED} and {@link #RESULT_RETAINED}. */
	private volatile int flags;

	/** Made by the first renewal call; {@code null} until then. */
	private volatile @Nullable Renewals renewals;

	// made when first asked for: an execution that nothing binds (a plain claim and complete) needs none
	private @Nullable IdempotencyContext context;

	/** When the next renewal is due, in {@link LeaseKeepAlive}'s time; guarded by {@link ActiveExecutions}' lock. */
	long renewalDue;

	/** Its neighbours among the active executions; guarded by {@link ActiveExecutions}' lock. */
	@Nullable Execution previousActive;

	@Nullable Execution nextActive;

	Execution(IdempotentExecutor executor, IdempotencyKey key, OwnerToken owner, ExecutionPolicy policy,
			long startedAtMillis) {
		this.executor = executor;
		this.key = key;
		this.owner = owner;
		this.policy = policy;
		this.startedAtMillis = startedAtMillis;
	}

	/**
	 * This execution: a claim that acquired its key answers with the execution itself.
	 * @return this execution
	 */
	@Override
	public Execution execution() {
		return this;
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
		return Instant.ofEpochMilli(this.startedAtMillis);
	}

	/**
	 * The context to {@link IdempotencyContext#bind() bind} while the protected code runs.
	 * @return the context
	 */
	public IdempotencyContext context() {
		IdempotencyContext current = this.context;
		if (current == null) {
			// two threads asking at once may each make one: every context reads its state from this execution, so
			// either serves
			current = new IdempotencyContext(this);
			this.context = current;
		}
		return current;
	}

	/**
	 * Whether a renewal was refused because the lease had run out: another execution may hold the key now.
	 * @return {@code true} once the lease is known to be lost
	 */
	public boolean isLeaseLost() {
		return is(LEASE_LOST);
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
		// a scheduler shut down under this execution stopped its renewals: report it before the write, which the
		// store still fences
		this.executor.keepAlive().checkScheduler();
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
		return is(ENDED);
	}

	/** Releases the claim unless the execution already ended; calling it again does nothing. */
	@Override
	public void close() {
		// one atomic step, so that a close racing a complete (or another close) neither throws nor writes twice
		if (setFirst(ENDED)) {
			releaseClaim();
		}
	}

	private WriteOutcome releaseClaim() {
		this.executor.keepAlive().checkScheduler();
		try {
			return this.executor.writer().release(this);
		}
		finally {
			stopRenewal();
			this.executor.ended(this);
		}
	}

	/** {@return when the lease runs out unless renewed again, by the executor's clock} */
	Instant leaseDeadline() {
		Renewals renewals = this.renewals;
		Instant renewed = (renewals != null) ? renewals.deadline : null;
		return (renewed != null) ? renewed : startedAt().plus(this.policy.lease());
	}

	/** {@return whether a renewal was refused or the deadline passed without one} */
	boolean isLeaseLostByNow() {
		this.executor.keepAlive().checkScheduler();
		return is(LEASE_LOST) || !IdempotentExecutor.now(this.executor.clock()).isBefore(leaseDeadline());
	}

	/**
	 * Whether the lease may still be renewed at {@code now}.
	 * @param now the executor's time
	 * @return {@code false} once the maximum execution time has passed
	 */
	boolean isRenewableAt(Instant now) {
		Duration maxExecutionTime = this.policy.maxExecutionTime();
		return maxExecutionTime == null || now.isBefore(startedAt().plus(maxExecutionTime));
	}

	/** {@return whether renewals stopped: the execution ended, lost its lease, or ran past its maximum time} */
	boolean isRenewalStopped() {
		return is(RENEWAL_STOPPED);
	}

	/** {@return whether the lease is still being renewed: until the final write is done, or the lease is lost} */
	boolean isRenewing() {
		return !is(RENEWAL_STOPPED);
	}

	/** {@return whether the renewal call last handed to the renewal threads still runs} */
	boolean isRenewalCallRunning() {
		Renewals renewals = this.renewals;
		Future<?> previous = (renewals != null) ? renewals.inFlight : null;
		return previous != null && !previous.isDone();
	}

	/**
	 * Notes a renewal handed to the renewal threads; only the renewal sweep calls it, never two at once.
	 * @param renewal the running renewal
	 */
	void renewalCallStarted(Future<?> renewal) {
		Renewals renewals = renewals();
		renewals.untimedSince = Renewals.TIMED;
		renewals.inFlight = renewal;
	}

	/**
	 * The scheduler refused the time-out of the renewal call last started: a later sweep interrupts it instead.
	 * @param since {@link System#nanoTime()} when the call started
	 */
	void renewalCallUntimed(long since) {
		renewals().untimedSince = since;
		if (isRenewalStopped()) {
			// renewals stopped while the time-out was being refused: no sweep will come back for this call
			interruptUntimedRenewalCall();
		}
	}

	/**
	 * Interrupts the renewal call still running when the scheduler refused its time-out and it has run for longer
	 * than one; only the renewal sweep calls it.
	 * @param timeout the time-out the call would have had
	 * @return whether it was interrupted: {@code false} when it has a time-out of its own, is not due for it yet, or
	 * already ended
	 */
	boolean cancelUntimedRenewalCall(Duration timeout) {
		Renewals renewals = this.renewals;
		Future<?> previous = (renewals != null) ? renewals.inFlight : null;
		if (previous == null) {
			return false;
		}
		long since = renewals.untimedSince;
		return since != Renewals.TIMED && System.nanoTime() - since >= timeout.toNanos() && previous.cancel(true);
	}

	/**
	 * A renewal made at {@code now} was accepted by the store: the lease runs until a lease after it, unless an
	 * earlier renewal already took it further.
	 * @param now the instant passed to the store
	 */
	void renewed(Instant now) {
		Renewals renewals = renewals();
		Instant extended = now.plus(this.policy.lease());
		while (true) {
			Instant current = renewals.deadline;
			Instant deadline = (current != null) ? current : startedAt().plus(this.policy.lease());
			if (!extended.isAfter(deadline) || Renewals.DEADLINE.compareAndSet(renewals, current, extended)) {
				break;
			}
		}
		Renewals.ACCEPTED.incrementAndGet(renewals);
	}

	RunningExecution snapshot() {
		Renewals renewals = this.renewals;
		return new RunningExecution(this.key.storageKey(), this.policy.endpoint(), startedAt(), leaseDeadline(),
				(renewals != null) ? renewals.accepted : 0);
	}

	/** {@return this execution's renewal state, made when first asked for (by the renewal sweep or call)} */
	private Renewals renewals() {
		Renewals renewals = this.renewals;
		if (renewals == null) {
			RENEWALS.compareAndSet(this, null, new Renewals());
			renewals = this.renewals;
		}
		return renewals;
	}

	/** The lease is lost, as found by anyone but the renewal call in flight: that call is interrupted if untimed. */
	void markLeaseLost() {
		renewalRefused();
		interruptUntimedRenewalCall();
	}

	/**
	 * The renewal call in flight found the lease lost: marks it so without interrupting the call, which is the
	 * caller and about to end.
	 */
	void renewalRefused() {
		// one step, so that whoever sees the lease lost also sees renewals stopped
		setFirst(LEASE_LOST | RENEWAL_STOPPED);
	}

	void retainResult() {
		setFirst(RESULT_RETAINED);
	}

	boolean isResultRetained() {
		return is(RESULT_RETAINED);
	}

	private void markEnded() {
		if (!setFirst(ENDED)) {
			throw new IllegalStateException("The execution of " + this.key + " already ended");
		}
	}

	/**
	 * Stops renewing; the renewal sweep passes this execution by from now on. Never called by the renewal call in
	 * flight, which it interrupts if the scheduler refused that call's time-out.
	 */
	void stopRenewal() {
		setFirst(RENEWAL_STOPPED);
		interruptUntimedRenewalCall();
	}

	/**
	 * Interrupts the renewal call in flight if the scheduler refused its time-out: only the sweep would interrupt it
	 * otherwise, and the sweep passes by an execution that stopped renewing, so a store call that hangs would hold a
	 * renewal thread for good. Called after {@link #RENEWAL_STOPPED} is set, as {@link #renewalCallUntimed} checks it
	 * after it marks the call untimed: one of the two sees the other.
	 */
	private void interruptUntimedRenewalCall() {
		Renewals renewals = this.renewals;
		Future<?> call = (renewals != null) ? renewals.inFlight : null;
		// read after the call: renewalCallStarted marks a new call timed before it publishes it
		if (call != null && renewals.untimedSince != Renewals.TIMED) {
			call.cancel(true);
		}
	}

	private boolean is(int flag) {
		return (this.flags & flag) != 0;
	}

	/**
	 * Sets flags in one atomic step.
	 * @param set the flags to set
	 * @return whether this call set them: {@code false} when all of them were set already
	 */
	private boolean setFirst(int set) {
		while (true) {
			int current = this.flags;
			if ((current & set) == set) {
				return false;
			}
			if (FLAGS.compareAndSet(this, current, current | set)) {
				return true;
			}
		}
	}

	/** What the renewals of an execution leave behind: none of it is needed until the first renewal call. */
	private static final class Renewals {

		static final AtomicReferenceFieldUpdater<Renewals, Instant> DEADLINE = AtomicReferenceFieldUpdater
			.newUpdater(Renewals.class, Instant.class, "deadline");

		static final AtomicIntegerFieldUpdater<Renewals> ACCEPTED = AtomicIntegerFieldUpdater
			.newUpdater(Renewals.class, "accepted");

		/** The lease deadline as the last accepted renewal left it; {@code null} until then: the claim's. */
		volatile @Nullable Instant deadline;

		/** The renewal call last handed to the renewal threads. */
		volatile @Nullable Future<?> inFlight;

		/** {@link #untimedSince} of a call with a time-out (a {@link System#nanoTime()} may be any long but this). */
		static final long TIMED = Long.MIN_VALUE;

		/** When {@link #inFlight} started, if the scheduler refused its time-out; {@link #TIMED} otherwise. */
		volatile long untimedSince = TIMED;

		/** How many renewals the store accepted. */
		volatile int accepted;

	}

}
