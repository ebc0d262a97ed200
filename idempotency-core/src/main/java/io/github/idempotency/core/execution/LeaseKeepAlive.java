package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Predicate;

import io.github.idempotency.core.logging.RateLimitedWarning;
import io.github.idempotency.core.store.IdempotencyStore;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the lease of every running execution alive: renews it every third of its length until the execution ends,
 * so that a slow but live execution is never taken over, while a crashed one loses its key within one lease. Shaped
 * like ShedLock's {@code KeepAliveLockProvider}: the claim itself knows nothing of renewals.
 * <p>
 * One sweep per executor keeps time for all executions, instead of a task scheduled for each: it runs when the
 * earliest renewal is due, renews every active execution whose renewal is due (or nearly due, so that executions
 * that started close together are renewed by one sweep), and schedules itself for the next one. An execution that
 * starts while a sweep is already scheduled no later than its first renewal schedules nothing, so a request that ends
 * within a third of its lease, the common case, allocates nothing for its renewal.
 * <p>
 * The scheduler only keeps time; the store calls run on a renewal pool of their own that grows with the number of
 * executions renewing at once, so a slow store call (a JDBC connection that is long in coming) delays one renewal,
 * never all of them. Each call is interrupted after a quarter of the lease, so that the next one, a third of the
 * lease after the previous, starts on time. The lag between when a renewal was due and when the store confirmed it
 * is reported, and from {@link ExecutionPolicy#maxExecutionTime()} on the lease is no longer renewed.
 * <p>
 * A scheduler passed to the builder belongs to the application, which may shut it down while executions still run.
 * Renewals then stop for good; rather than let those executions run on as if renewed until another instance takes
 * their keys over, the shut-down is logged once as an error and every execution then running is reported lost:
 * {@link IdempotencyContext#isLeaseLost()} answers {@code true} and {@link IdempotencyListener#onWriteFailed} counts
 * it as a failed {@link StoreOperation#RENEW}. A scheduler that was shut down is noticed when a sweep runs on it, and,
 * because one shut down with {@code shutdownNow} never runs the sweep it held, whenever an execution starts, asks
 * whether its lease is lost, or ends.
 * <p>
 * A scheduler that refuses a task while it is <em>not</em> shut down (a bounded queue, or a rejection policy of the
 * application's, under a burst; or one that fails to take a task with any other exception) is taken to refuse for a
 * while only: a lease covers three renewal periods, so a sweep that runs late still renews in time. The sweep it
 * refused is owed ({@link #pendingSweep}) and a renewal thread tries to schedule it again, with a backoff, until
 * the scheduler takes it; meanwhile executions start and keep renewing as usual, and the refusals are logged as a
 * warning at most once a minute ({@link RateLimitedWarning}).
 * Only an execution whose lease runs out while the scheduler still refuses is reported lost, as above. A renewal call
 * whose time-out the scheduler refused is interrupted by the next sweep instead, if it still runs then, or as soon as
 * its execution stops renewing (it ends, loses its lease or passes its maximum execution time), which the sweep would
 * no longer visit.
 */
final class LeaseKeepAlive {

	private static final System.Logger logger = System.getLogger(IdempotentExecutor.class.getName());

	/** A sweep renews what is due within this share of the renewal period: up to a twelfth of the lease early. */
	private static final int EARLY_SHARE = 4;

	private static final long NO_SWEEP = Long.MAX_VALUE;

	// renewals at least once a day, whatever the lease
	private static final long MAX_PERIOD_MILLIS = TimeUnit.DAYS.toMillis(1);

	private static final String SCHEDULER_SHUT_DOWN = "The idempotent executor's scheduler was shut down, so no lease "
			+ "can be renewed; close the executor before its scheduler";

	private static final LongFunction<String> REFUSAL_WARNING = (count) -> "The scheduler of the idempotent executor "
			+ "refused a lease renewal task although it is not shut down (" + count
			+ ((count == 1) ? " refusal" : " refusals") + " since the last warning): leases go on being renewed once "
			+ "it takes tasks again, which is retried; an execution is reported lost only if its lease runs out "
			+ "meanwhile. Give the scheduler passed to the executor's builder room for one sweep per executor and one "
			+ "time-out per renewal in flight, or pass none";

	/** The first retry of a sweep the scheduler refused; each next one waits twice as long, up to the maximum. */
	static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	// well within the renewal period of any lease worth renewing, so that a retry that succeeds renews in time, and
	// often enough to notice a lease that ran out meanwhile
	static final long MAX_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final IdempotencyStore store;

	private final Clock clock;

	private final IdempotencyListener listener;

	private final ScheduledExecutorService scheduler;

	private final ExecutorService renewals;

	private final ActiveExecutions active;

	/** {@link System#nanoTime()} when this was made: times here count from it, so that they only grow. */
	private final long origin = System.nanoTime();

	/**
	 * When the next sweep runs at the latest ({@link #NO_SWEEP} when none is scheduled, or while one runs): a sweep
	 * sets it to {@link #NO_SWEEP} before it looks at the active executions, so an execution that reads a time here
	 * after it joined them is seen by the sweep at that time.
	 */
	private volatile long nextSweep = NO_SWEEP;

	/** Guarded by {@code this}. */
	private @Nullable ScheduledFuture<?> scheduledSweep;

	/**
	 * When a sweep the scheduler refused to schedule must run by ({@link #NO_SWEEP} when none is owed): the next
	 * attempt to schedule a sweep schedules it no later. Guarded by {@code this}.
	 */
	private long pendingSweep = NO_SWEEP;

	/** Whether a renewal thread is retrying to schedule the {@link #pendingSweep}. Guarded by {@code this}. */
	private boolean retrying;

	/** Written under {@code this}; read without it by executions that start. */
	private volatile boolean closed;

	/** One sweep at a time; only a sweep touches the fields below. */
	private final Object sweeping = new Object();

	private final List<Execution> due = new ArrayList<>();

	private long sweepNow;

	private long earliestNext;

	private final Consumer<Execution> collectDue = this::collectDue;

	/** Set once the shut-down of the scheduler is logged: one error, however many executions it cost. */
	private final AtomicBoolean schedulerLossLogged = new AtomicBoolean();

	/** The scheduler's refusals while it is not shut down: a burst would flood the log when under pressure. */
	private final RateLimitedWarning refusals = RateLimitedWarning.to(logger);

	LeaseKeepAlive(IdempotencyStore store, Clock clock, IdempotencyListener listener,
			ScheduledExecutorService scheduler, ExecutorService renewals, ActiveExecutions active) {
		this.store = store;
		this.clock = clock;
		this.listener = listener;
		this.scheduler = scheduler;
		this.renewals = renewals;
		this.active = active;
	}

	/**
	 * The longest a renewal call may take: below a third of the lease, the interval between two renewals.
	 * @param lease the lease
	 * @return a quarter of the lease
	 */
	static Duration renewalTimeout(Duration lease) {
		return Duration.ofMillis(Math.max(1, lease.toMillis() / 4));
	}

	private static long period(Execution execution) {
		// capped, so that times on the sweep's clock never overflow: a lease of centuries (meant as "never taken
		// over") would otherwise put the next sweep in the past of a long and stop every execution's renewals
		return TimeUnit.MILLISECONDS.toNanos(Math.min(MAX_PERIOD_MILLIS,
				Math.max(1, execution.policy().lease().toMillis() / 3)));
	}

	private long now() {
		return System.nanoTime() - this.origin;
	}

	/**
	 * Makes a claimed execution active and renews its lease from a third of the lease on; the execution stops the
	 * renewals when it ends. A scheduler that refuses the sweep but is not shut down leaves the execution active: the
	 * sweep is retried.
	 * @param execution the execution
	 * @param claimedAtNanos {@link System#nanoTime()} read before the claim: its lease is counted from there
	 * @throws RejectedExecutionException when the executor was closed or its scheduler shut down; the execution is
	 * then not active
	 */
	void keepAlive(Execution execution, long claimedAtNanos) {
		if (this.closed) {
			throw new RejectedExecutionException("The idempotent executor is closed");
		}
		if (this.scheduler.isShutdown()) {
			schedulerLost(null);
			throw new RejectedExecutionException(SCHEDULER_SHUT_DOWN);
		}
		long firstRenewal = (claimedAtNanos - this.origin) + period(execution);
		execution.renewalDue = firstRenewal;
		this.active.started(execution);
		if (firstRenewal >= this.nextSweep) {
			// a sweep that starts after this execution joined runs by then
			return;
		}
		try {
			scheduleSweep(firstRenewal);
		}
		catch (RejectedExecutionException ex) {
			if (this.closed) {
				this.active.ended(execution);
				throw ex;
			}
			if (this.scheduler.isShutdown()) {
				this.active.ended(execution);
				schedulerLost(ex);
				throw new RejectedExecutionException(SCHEDULER_SHUT_DOWN, ex);
			}
			// its first renewal is a third of a lease away: the sweep owed is retried meanwhile
			refused(ex);
		}
	}

	private void refused(RuntimeException refusal) {
		this.refusals.warn(System.nanoTime(), REFUSAL_WARNING, refusal);
	}

	/**
	 * Reports the running executions lost when the scheduler was shut down while this executor is open; does
	 * nothing otherwise. Cheap enough for every execution's start, end and {@code isLeaseLost()}.
	 */
	void checkScheduler() {
		if (!this.closed && this.scheduler.isShutdown()) {
			schedulerLost(null);
		}
	}

	/**
	 * The scheduler was found shut down, or refused a task because it was, while this executor is open: no sweep is
	 * scheduled any more, so every execution still renewing is reported lost rather than left to run on as if renewed.
	 * @param refusal the scheduler's refusal; {@code null} when it was found shut down
	 */
	private void schedulerLost(@Nullable RejectedExecutionException refusal) {
		if (this.closed) {
			// closing the executor stops the renewals on purpose
			return;
		}
		if (this.schedulerLossLogged.compareAndSet(false, true)) {
			logger.log(Level.ERROR, "The scheduler of the idempotent executor was shut down while the executor was "
					+ "still open: leases are no longer renewed. Every execution running now is reported lost "
					+ "(IdempotencyContext.isLeaseLost() answers true; counted as a failed renew write) and another "
					+ "instance may take its key over once its lease runs out; new claims are refused while the "
					+ "scheduler is shut down. Close the IdempotentExecutor before the scheduler passed to its builder, "
					+ "or pass none: it then makes one of its own", refusal);
		}
		reportLost((execution) -> true, (execution) -> {
		});
	}

	/**
	 * Reports lost every execution still renewing that {@code lost} selects. An execution that ended is writing its
	 * result: its write is fenced by the store and retried for what is left of its lease, and reported on its own if
	 * it fails; marking it lost would cut its retries short.
	 * @param lost which of the renewing executions lost their lease
	 * @param log logs one that lost it, before it is marked lost
	 */
	private void reportLost(Predicate<Execution> lost, Consumer<Execution> log) {
		// under the sweep's lock, so that two threads that notice at once count each execution once
		synchronized (this.sweeping) {
			List<Execution> reported = new ArrayList<>();
			this.active.visit((execution) -> {
				if (execution.isRenewing() && !execution.isEnded() && lost.test(execution)) {
					reported.add(execution);
				}
			});
			for (Execution execution : reported) {
				// reported before it is marked, so whoever sees the lease lost also finds it counted and logged
				this.listener.onWriteFailed(execution.policy().endpoint(), StoreOperation.RENEW);
				log.accept(execution);
				execution.markLeaseLost();
			}
		}
	}

	/** Stops sweeping: no lease of this executor's executions is renewed any more. */
	synchronized void close() {
		this.closed = true;
		this.nextSweep = NO_SWEEP;
		if (this.scheduledSweep != null) {
			this.scheduledSweep.cancel(false);
			this.scheduledSweep = null;
		}
	}

	/**
	 * Schedules a sweep by {@code at}, or by the sweep owed when that is earlier, unless one is scheduled by then.
	 * @param at when the sweep must run by
	 * @throws RejectedExecutionException when the executor is closed or the scheduler refused the sweep; a scheduler
	 * that refused it but is not shut down owes it, and a renewal thread retries it
	 */
	private synchronized void scheduleSweep(long at) {
		if (this.closed) {
			throw new RejectedExecutionException("The idempotent executor is closed");
		}
		at = Math.min(at, this.pendingSweep);
		if (at >= this.nextSweep) {
			this.pendingSweep = NO_SWEEP;
			return;
		}
		ScheduledFuture<?> replaced = this.scheduledSweep;
		try {
			this.scheduledSweep = schedule(this::sweep, Math.max(0, at - now()), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			if (!this.scheduler.isShutdown()) {
				this.pendingSweep = at;
				retryPendingSweep();
			}
			throw ex;
		}
		this.nextSweep = at;
		this.pendingSweep = NO_SWEEP;
		if (replaced != null) {
			replaced.cancel(false);
		}
	}

	/**
	 * Schedules a task on the scheduler, whose failure to take it for any reason counts as a refusal: a scheduler of
	 * the application's (or its rejection policy) may throw what it likes, and a sweep left unscheduled by an
	 * exception that no caller expects would stop every renewal silently.
	 * @throws RejectedExecutionException when the scheduler refused the task or failed to take it
	 */
	private ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
		try {
			return this.scheduler.schedule(task, delay, unit);
		}
		catch (RejectedExecutionException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new RejectedExecutionException("The scheduler failed to take a lease renewal task", ex);
		}
	}

	/** Under {@code this}: makes sure a renewal thread retries to schedule the sweep owed. */
	private void retryPendingSweep() {
		if (this.retrying) {
			return;
		}
		try {
			this.renewals.execute(this::retrySweep);
			this.retrying = true;
		}
		catch (RejectedExecutionException ex) {
			// the renewal threads are the executor's own: it is closing
		}
	}

	/** {@return whether a renewal thread is retrying to schedule a sweep the scheduler refused} */
	synchronized boolean isRetryingSweep() {
		return this.retrying;
	}

	/**
	 * On a renewal thread: schedules the sweep owed once the scheduler takes it again, and meanwhile reports lost the
	 * executions whose lease ran out for want of it.
	 */
	private void retrySweep() {
		try {
			retryUntilScheduled();
		}
		catch (RuntimeException | Error ex) {
			// unexpected (a listener of the application's that throws, say): let the next refusal start a retry
			// again rather than believe one runs. Not reset on the way out of a normal return, which decides to stop
			// under the same lock as it resets the flag, so that a refusal in between still starts a retry
			synchronized (this) {
				this.retrying = false;
			}
			throw ex;
		}
	}

	private void retryUntilScheduled() {
		long wait = FIRST_RETRY_NANOS;
		while (true) {
			synchronized (this) {
				if (!this.active.anyRenewing()) {
					// what was owed ended, lost its lease or ran past its maximum time meanwhile; an execution that
					// joins from now on schedules a sweep itself, unless one is scheduled by its first renewal
					this.pendingSweep = NO_SWEEP;
				}
				if (this.closed || this.pendingSweep == NO_SWEEP || Thread.interrupted()) {
					// interrupted: the executor is closing, and stops the renewal threads
					this.retrying = false;
					return;
				}
			}
			LockSupport.parkNanos(this, wait);
			wait = Math.min(2 * wait, MAX_RETRY_NANOS);
			try {
				scheduleSweep(NO_SWEEP);
			}
			catch (RejectedExecutionException ex) {
				if (this.closed) {
					continue;
				}
				if (this.scheduler.isShutdown()) {
					synchronized (this) {
						// nothing is owed by a scheduler that will never run it: every execution is lost instead
						this.pendingSweep = NO_SWEEP;
						this.retrying = false;
					}
					schedulerLost(ex);
					return;
				}
				refused(ex);
				reportLeasesRunOut();
			}
		}
	}

	/** While the scheduler refuses the sweep: reports lost the executions whose lease ran out without a renewal. */
	private void reportLeasesRunOut() {
		Instant now = IdempotentExecutor.now(this.clock);
		reportLost((execution) -> !now.isBefore(execution.leaseDeadline()), (execution) -> logger.log(Level.WARNING,
				"The lease of " + execution.key() + " ran out at " + execution.leaseDeadline() + " while the "
						+ "idempotent executor's scheduler refused to schedule its renewal: reported lost, another "
						+ "execution may take its key over"));
	}

	private void sweep() {
		synchronized (this.sweeping) {
			synchronized (this) {
				if (this.closed) {
					return;
				}
				// from here on an execution that joins schedules a sweep of its own, unless this one sees it
				this.nextSweep = NO_SWEEP;
				this.scheduledSweep = null;
				// this sweep renews what a sweep the scheduler refused would have
				this.pendingSweep = NO_SWEEP;
			}
			this.sweepNow = now();
			this.earliestNext = NO_SWEEP;
			try {
				this.active.visit(this.collectDue);
				for (Execution execution : this.due) {
					try {
						dispatch(execution);
					}
					catch (RuntimeException ex) {
						// one execution's failure must not cost the others their renewal, nor stop the sweeps
						logger.log(Level.WARNING, "Failed to start renewing the lease of " + execution.key(), ex);
					}
				}
			}
			finally {
				this.due.clear();
				if (this.earliestNext != NO_SWEEP) {
					try {
						scheduleSweep(this.earliestNext);
					}
					catch (RejectedExecutionException ex) {
						if (this.scheduler.isShutdown()) {
							schedulerLost(ex);
						}
						else if (!this.closed) {
							// owed: retried on a renewal thread
							refused(ex);
						}
					}
				}
			}
		}
	}

	/** Under the lock of the execution's list: notes it when its renewal is due, and when it is due next. */
	private void collectDue(Execution execution) {
		if (!execution.isRenewing()) {
			return;
		}
		long period = period(execution);
		long renewal = execution.renewalDue;
		if (renewal - this.sweepNow <= period / EARLY_SHARE) {
			this.due.add(execution);
			// fixed rate, like the task per execution this replaced, but a sweep that came late does not catch up
			// with renewals in a burst: one renewal extends the lease from now all the same
			renewal = Math.max(renewal + period, this.sweepNow + period / EARLY_SHARE + 1);
			execution.renewalDue = renewal;
		}
		this.earliestNext = Math.min(this.earliestNext, renewal);
	}

	private void dispatch(Execution execution) {
		if (!execution.isRenewing()) {
			return;
		}
		Instant now = IdempotentExecutor.now(this.clock);
		if (!execution.isRenewableAt(now)) {
			execution.stopRenewal();
			logger.log(Level.WARNING, "The execution of " + execution.key() + " runs longer than its maximum "
					+ "execution time of " + execution.policy().maxExecutionTime() + "; its lease is no longer renewed "
					+ "and can be taken over after " + execution.leaseDeadline());
			return;
		}
		if (execution.isRenewalCallRunning()) {
			Duration timeout = renewalTimeout(execution.policy().lease());
			if (!execution.cancelUntimedRenewalCall(timeout)) {
				// the previous call still runs and is about to be timed out: another would only wait behind it
				return;
			}
			logger.log(Level.WARNING, "Renewing the lease of " + execution.key() + " took longer than " + timeout
					+ ", and the scheduler had refused its time-out; interrupted, trying again");
		}
		long due = System.nanoTime();
		Future<?> call;
		try {
			call = this.renewals.submit(() -> renew(execution, due));
		}
		catch (RejectedExecutionException ex) {
			// the renewal threads are the executor's own: it is closing
			execution.stopRenewal();
			return;
		}
		execution.renewalCallStarted(call);
		try {
			schedule(() -> timeOut(execution, call), renewalTimeout(execution.policy().lease()).toMillis(),
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// the call goes on untimed: the next sweep interrupts it if it still runs then, or the execution when it
			// stops renewing
			execution.renewalCallUntimed(due);
			if (this.closed) {
				execution.stopRenewal();
			}
			else if (this.scheduler.isShutdown()) {
				schedulerLost(ex);
			}
			else {
				refused(ex);
			}
		}
	}

	private void timeOut(Execution execution, Future<?> call) {
		if (!call.isDone() && call.cancel(true)) {
			logger.log(Level.WARNING, "Renewing the lease of " + execution.key() + " took longer than "
					+ renewalTimeout(execution.policy().lease()) + "; interrupted, the next renewal tries again");
		}
	}

	private void renew(Execution execution, long due) {
		if (!execution.isRenewing()) {
			return;
		}
		Instant now = IdempotentExecutor.now(this.clock);
		try {
			boolean renewed = this.store.renew(execution.key().storageKey(), execution.owner(), now,
					execution.policy().lease());
			if (renewed) {
				execution.renewed(now);
				this.listener.onLeaseRenewed(execution.policy().endpoint(),
						Duration.ofNanos(System.nanoTime() - due));
			}
			else if (!execution.isEnded()) {
				// once ended, the final write reports a lost lease itself (a renewal racing a completion that was
				// just written finds the record finished)
				// reported before it is marked, so whoever sees the lease lost also finds the fenced write counted
				this.listener.onFencedWrite(execution.policy().endpoint(), StoreOperation.RENEW);
				execution.renewalRefused();
				logger.log(Level.WARNING, "Lost the lease of " + execution.key()
						+ " while it still runs: another execution may take it over");
			}
		}
		catch (RuntimeException ex) {
			if (Thread.currentThread().isInterrupted()) {
				// timed out: already logged by the timeout
				return;
			}
			// the lease covers three periods, so one failure is survivable; a run of them loses the lease, which
			// an operator should see coming
			logger.log(Level.WARNING, "Failed to renew the lease of " + execution.key() + "; the next renewal "
					+ "tries again", ex);
		}
	}

}
