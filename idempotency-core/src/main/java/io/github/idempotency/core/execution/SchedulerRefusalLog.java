package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Logs the tasks that a scheduler which is not shut down refuses: one warning at the first refusal, then at most one
 * a minute with the number of refusals since the last, so that a scheduler refusing under a burst does not flood the
 * log exactly when the service is under pressure.
 */
final class SchedulerRefusalLog {

	private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final System.Logger logger;

	/** Guarded by {@code this}. */
	private long unreported;

	/** {@link System#nanoTime()} of the last warning. Guarded by {@code this}. */
	private long lastWarning;

	/** Guarded by {@code this}. */
	private boolean warned;

	SchedulerRefusalLog(System.Logger logger) {
		this.logger = logger;
	}

	/**
	 * Notes a refusal, and logs it unless a warning was logged less than a minute ago.
	 * @param refusal the scheduler's refusal
	 */
	void refused(RejectedExecutionException refusal) {
		long count;
		synchronized (this) {
			this.unreported++;
			long now = System.nanoTime();
			if (this.warned && now - this.lastWarning < INTERVAL_NANOS) {
				return;
			}
			count = this.unreported;
			this.unreported = 0;
			this.lastWarning = now;
			this.warned = true;
		}
		this.logger.log(Level.WARNING, "The scheduler of the idempotent executor refused a lease renewal task although "
				+ "it is not shut down (" + count + ((count == 1) ? " refusal" : " refusals") + " since the last "
				+ "warning): leases go on being renewed once it takes tasks again, which is retried; an execution is "
				+ "reported lost only if its lease runs out meanwhile. Give the scheduler passed to the executor's "
				+ "builder room for one sweep per executor and one time-out per renewal in flight, or pass none", refusal);
	}

}
