package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.store.IdempotencyStore;

/**
 * Keeps the lease of every running execution alive: renews it every third of its length until the execution ends,
 * so that a slow but live execution is never taken over, while a crashed one loses its key within one lease. Shaped
 * like ShedLock's {@code KeepAliveLockProvider}: the claim itself knows nothing of renewals.
 * <p>
 * The scheduler only keeps time; the store calls run on a renewal pool of their own that grows with the number of
 * executions renewing at once, so a slow store call (a JDBC connection that is long in coming) delays one renewal,
 * never all of them. Each call is interrupted after a quarter of the lease, so that the next one, a third of the
 * lease after the previous, starts on time. The lag between when a renewal was due and when the store confirmed it
 * is reported, and from {@link ExecutionPolicy#maxExecutionTime()} on the lease is no longer renewed.
 */
final class LeaseKeepAlive {

	private static final System.Logger logger = System.getLogger(IdempotentExecutor.class.getName());

	private final IdempotencyStore store;

	private final Clock clock;

	private final IdempotencyListener listener;

	private final ScheduledExecutorService scheduler;

	private final ExecutorService renewals;

	LeaseKeepAlive(IdempotencyStore store, Clock clock, IdempotencyListener listener,
			ScheduledExecutorService scheduler, ExecutorService renewals) {
		this.store = store;
		this.clock = clock;
		this.listener = listener;
		this.scheduler = scheduler;
		this.renewals = renewals;
	}

	/**
	 * The longest a renewal call may take: below a third of the lease, the interval between two renewals.
	 * @param lease the lease
	 * @return a quarter of the lease
	 */
	static Duration renewalTimeout(Duration lease) {
		return Duration.ofMillis(Math.max(1, lease.toMillis() / 4));
	}

	/**
	 * Starts renewing the lease of a claimed execution; the execution stops the renewals when it ends.
	 * @param execution the execution
	 * @throws RejectedExecutionException when the scheduler was shut down
	 */
	void keepAlive(Execution execution) {
		long period = Math.max(1, execution.policy().lease().toMillis() / 3);
		execution.startRenewal(this.scheduler.scheduleAtFixedRate(() -> dispatch(execution), period, period,
				TimeUnit.MILLISECONDS));
	}

	private void dispatch(Execution execution) {
		if (!execution.isRenewing()) {
			return;
		}
		Instant now = this.clock.instant();
		if (!execution.lease().isRenewable(now)) {
			execution.stopRenewal();
			logger.log(Level.WARNING, "The execution of " + execution.key() + " runs longer than its maximum "
					+ "execution time of " + execution.policy().maxExecutionTime() + "; its lease is no longer renewed "
					+ "and can be taken over after " + execution.lease().deadline());
			return;
		}
		if (execution.isRenewalCallRunning()) {
			// the previous call still runs and is about to be timed out: another would only wait behind it
			return;
		}
		long due = System.nanoTime();
		try {
			Future<?> call = this.renewals.submit(() -> renew(execution, due));
			execution.renewalCallStarted(call);
			this.scheduler.schedule(() -> timeOut(execution, call), renewalTimeout(execution.policy().lease())
				.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// the executor is closing
			execution.stopRenewal();
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
		Instant now = this.clock.instant();
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
				execution.markLeaseLost();
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
