package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.store.IdempotencyStore;

/**
 * Keeps the lease of every running execution alive: renews it every third of its length until the execution ends,
 * so that a slow but live execution is never taken over, while a crashed one loses its key within one lease. Shaped
 * like ShedLock's {@code KeepAliveLockProvider}: the claim itself knows nothing of renewals.
 */
final class LeaseKeepAlive {

	private static final System.Logger logger = System.getLogger(IdempotentExecutor.class.getName());

	private final IdempotencyStore store;

	private final Clock clock;

	private final IdempotencyListener listener;

	private final ScheduledExecutorService scheduler;

	LeaseKeepAlive(IdempotencyStore store, Clock clock, IdempotencyListener listener,
			ScheduledExecutorService scheduler) {
		this.store = store;
		this.clock = clock;
		this.listener = listener;
		this.scheduler = scheduler;
	}

	/**
	 * Starts renewing the lease of a claimed execution; the execution stops the renewals when it ends.
	 * @param execution the execution
	 * @throws RejectedExecutionException when the scheduler was shut down
	 */
	void keepAlive(Execution execution) {
		long period = Math.max(1, execution.policy().lease().toMillis() / 3);
		execution.startRenewal(this.scheduler.scheduleAtFixedRate(() -> renew(execution), period, period,
				TimeUnit.MILLISECONDS));
	}

	private void renew(Execution execution) {
		if (execution.isEnded()) {
			return;
		}
		try {
			Instant now = this.clock.instant();
			boolean renewed = this.store.renew(execution.key().storageKey(), execution.owner(), now,
					execution.policy().lease());
			if (renewed) {
				execution.renewed(now.plus(execution.policy().lease()));
			}
			if (!renewed && !execution.isEnded()) {
				execution.markLeaseLost();
				this.listener.onFencedWrite(execution.policy().endpoint(), StoreOperation.RENEW);
				logger.log(Level.WARNING, "Lost the lease of " + execution.key()
						+ " while it still runs: another execution may take it over");
			}
		}
		catch (RuntimeException ex) {
			// the lease covers three periods, so one failure is survivable; a run of them loses the lease, which
			// an operator should see coming
			logger.log(Level.WARNING, "Failed to renew the lease of " + execution.key() + "; the next renewal "
					+ "tries again", ex);
		}
	}

}
