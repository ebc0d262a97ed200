package io.github.idempotency.core.execution;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real scheduler that refuses a run of one-shot tasks while it is not shut down, as one with a bounded queue
 * does under a burst.
 */
final class RefusingScheduler extends ScheduledThreadPoolExecutor {

	final AtomicInteger refused = new AtomicInteger();

	/** How many tasks were failed with {@link #failOnce}'s throwable. */
	final AtomicInteger failed = new AtomicInteger();

	private Throwable failure;

	private final Object lock = new Object();

	private int toSkip;

	private int toRefuse;

	RefusingScheduler() {
		super(2);
		setRemoveOnCancelPolicy(true);
	}

	/**
	 * Takes the next {@code skip} tasks, then refuses {@code count}, then takes tasks again.
	 * @param skip tasks to take first
	 * @param count tasks to refuse
	 */
	void refuse(int skip, int count) {
		synchronized (this.lock) {
			this.toSkip = skip;
			this.toRefuse = count;
		}
	}

	/**
	 * Fails the next task with {@code failure} instead of refusing it, then goes on as before.
	 * @param failure what to throw: an unchecked exception or an error
	 */
	void failOnce(Throwable failure) {
		synchronized (this.lock) {
			this.failure = failure;
		}
	}

	/**
	 * Fails the next task with {@code failure}, then takes tasks again.
	 * @param failure what to throw
	 */
	void failOnceThenTake(RuntimeException failure) {
		synchronized (this.lock) {
			this.failure = failure;
			this.toSkip = 0;
			this.toRefuse = 0;
		}
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		synchronized (this.lock) {
			Throwable failing = this.failure;
			if (failing != null) {
				this.failure = null;
				this.failed.incrementAndGet();
				if (failing instanceof Error error) {
					throw error;
				}
				throw (RuntimeException) failing;
			}
			if (this.toSkip > 0) {
				this.toSkip--;
			}
			else if (this.toRefuse > 0) {
				this.toRefuse--;
				this.refused.incrementAndGet();
				throw new RejectedExecutionException("queue full");
			}
		}
		return super.schedule(command, delay, unit);
	}

}
