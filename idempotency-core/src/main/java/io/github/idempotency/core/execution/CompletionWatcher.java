package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.Predicate;

import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.logging.RateLimitedWarning;
import org.jspecify.annotations.Nullable;

/**
 * Lets duplicates wait for an ongoing execution to end. All waiters on one key in this JVM share one watch: a
 * single background poll of the store (for owners in other instances) with a backoff, cut short by a local signal
 * when the owner runs in this JVM. So a hundred waiting requests cost one store read per poll, not a hundred.
 * <p>
 * A scheduler that refuses a poll while it is not shut down (a bounded one of the application's, under a burst; or
 * one that fails with any other exception) costs no waiter its answer: its watch is polled by the waiters instead,
 * which are blocked anyway, with the same backoff and still one store read per poll, the first waiter whose turn
 * is due taking it. The refusals are logged as a warning at most once a minute. A scheduler that was shut down ends
 * the wait at once, or within {@link #MAX_POLL_MILLIS} of its shut-down for those already waiting (one shut down
 * with {@code shutdownNow} never runs the poll it held), with a {@link RejectedExecutionException}.
 */
final class CompletionWatcher {

	private static final System.Logger logger = System.getLogger(IdempotentExecutor.class.getName());

	private static final long FIRST_POLL_MILLIS = 10;

	static final long MAX_POLL_MILLIS = 250;

	private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_POLL_MILLIS);

	static final String SCHEDULER_SHUT_DOWN = "The idempotent executor's scheduler was shut down, so no duplicate can "
			+ "wait for a running execution; close the executor before its scheduler";

	private static final LongFunction<String> REFUSAL_WARNING = (count) -> "The scheduler of the idempotent executor "
			+ "refused to poll the store for the end of an execution that duplicates wait for, although it is not "
			+ "shut down (" + count + ((count == 1) ? " refusal" : " refusals") + " since the last warning): the "
			+ "waiting requests poll the store themselves meanwhile. Give the scheduler passed to the executor's "
			+ "builder room for one poll per key waited on, or pass none";

	private final ConcurrentHashMap<StorageKey, Watch> watches = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler;

	private final Predicate<StorageKey> stillOngoing;

	private final RateLimitedWarning refusals = RateLimitedWarning.to(logger);

	/**
	 * @param scheduler runs the polls
	 * @param stillOngoing reads the store: {@code true} while the key's record is ongoing; may throw, which counts
	 * as "still ongoing" (the next poll tries again)
	 */
	CompletionWatcher(ScheduledExecutorService scheduler, Predicate<StorageKey> stillOngoing) {
		this.scheduler = scheduler;
		this.stillOngoing = stillOngoing;
	}

	/**
	 * Waits until the key's ongoing record ends (finished, released or expired) or the timeout passes.
	 * @param key the key
	 * @param timeout the most to wait
	 * @return {@code true} when the record ended, {@code false} on timeout
	 * @throws InterruptedException when the waiting thread is interrupted
	 * @throws RejectedExecutionException when the scheduler was shut down
	 */
	boolean awaitEnd(StorageKey key, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		Watch watch = join(key);
		try {
			while (true) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				try {
					// in slices, to notice a scheduler that refused the poll or was shut down
					watch.ended.get(Math.min(remaining, watch.nanosToNextLook()), TimeUnit.NANOSECONDS);
					return true;
				}
				catch (TimeoutException ex) {
					watch.look();
				}
			}
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RejectedExecutionException shutDown) {
				throw new RejectedExecutionException(shutDown.getMessage(), shutDown);
			}
			throw new IllegalStateException(ex);
		}
		finally {
			watch.leave();
		}
	}

	/**
	 * Tells waiters in this JVM that the key's execution ended here.
	 * @param key the key
	 */
	void signal(StorageKey key) {
		Watch watch = this.watches.get(key);
		if (watch != null) {
			watch.finish();
		}
	}

	/**
	 * The number of keys being watched, for tests and diagnostics.
	 * @return the count
	 */
	int watchedKeys() {
		return this.watches.size();
	}

	private Watch join(StorageKey key) {
		while (true) {
			Watch watch = this.watches.computeIfAbsent(key, Watch::new);
			if (watch.enter()) {
				return watch;
			}
			// the watch just closed; a new one replaces it
			this.watches.remove(key, watch);
		}
	}

	/** Whether the store still holds the key's record ongoing; a failed read counts as ongoing. */
	private boolean stillOngoing(StorageKey key) {
		try {
			return this.stillOngoing.test(key);
		}
		catch (RuntimeException ex) {
			return true;
		}
	}

	private final class Watch {

		private final StorageKey key;

		private final CompletableFuture<Void> ended = new CompletableFuture<>();

		private int waiters;

		private boolean closed;

		private long nextDelayMillis = FIRST_POLL_MILLIS;

		private @Nullable ScheduledFuture<?> poll;

		/** Set once the scheduler refused a poll of this watch: its waiters poll it from then on. */
		private volatile boolean polledByWaiters;

		/** {@link System#nanoTime()} of the next poll that the waiters owe. Guarded by {@code this}. */
		private long nextWaiterPollNanos;

		Watch(StorageKey key) {
			this.key = key;
		}

		/**
		 * Joins the watch, and schedules its first poll when it is the first waiter.
		 * @return {@code false} when the watch closed meanwhile
		 * @throws RejectedExecutionException when the scheduler was shut down
		 */
		synchronized boolean enter() {
			if (this.closed) {
				return false;
			}
			if (this.waiters++ == 0 && this.poll == null && !this.polledByWaiters) {
				RejectedExecutionException shutDown = schedulePoll();
				if (shutDown != null) {
					// leave no watch behind that later waiters would join and never see polled
					this.waiters--;
					close();
					throw shutDown;
				}
			}
			return true;
		}

		synchronized void leave() {
			if (--this.waiters == 0) {
				close();
			}
		}

		void finish() {
			this.ended.complete(null);
			synchronized (this) {
				close();
			}
		}

		/** How long a waiter may wait before it looks at the scheduler or takes its turn to poll. */
		long nanosToNextLook() {
			if (!this.polledByWaiters) {
				return MAX_POLL_NANOS;
			}
			synchronized (this) {
				// at least a millisecond: a waiter that finds the turn taken waits for the next
				return Math.max(this.nextWaiterPollNanos - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1));
			}
		}

		/**
		 * Called by a waiter whose slice passed: polls the store if the watch is the waiters' to poll and the poll
		 * is due, and fails the watch if the scheduler was shut down meanwhile.
		 */
		void look() {
			if (CompletionWatcher.this.scheduler.isShutdown()) {
				// the executor is closing, or the application stopped its scheduler first: the wait ends either way
				shutDown(new RejectedExecutionException(SCHEDULER_SHUT_DOWN));
				return;
			}
			if (!this.polledByWaiters) {
				return;
			}
			synchronized (this) {
				long now = System.nanoTime();
				if (this.closed || now - this.nextWaiterPollNanos < 0) {
					return;
				}
				this.nextWaiterPollNanos = now + TimeUnit.MILLISECONDS.toNanos(nextDelay());
			}
			if (!stillOngoing(this.key)) {
				finish();
			}
		}

		private void close() {
			if (!this.closed) {
				this.closed = true;
				if (this.poll != null) {
					this.poll.cancel(false);
				}
				CompletionWatcher.this.watches.remove(this.key, this);
			}
		}

		private void shutDown(RejectedExecutionException refusal) {
			this.ended.completeExceptionally(refusal);
			synchronized (this) {
				close();
			}
		}

		/**
		 * Schedules the next poll; a refusal while the scheduler is not shut down hands the polls over to the waiters.
		 * Called holding the lock.
		 * @return the scheduler's refusal when it was shut down, else {@code null}
		 */
		private @Nullable RejectedExecutionException schedulePoll() {
			long delay = nextDelay();
			try {
				this.poll = CompletionWatcher.this.scheduler.schedule(this::pollOnce, delay, TimeUnit.MILLISECONDS);
				return null;
			}
			catch (RuntimeException ex) {
				this.poll = null;
				if (CompletionWatcher.this.scheduler.isShutdown()) {
					return new RejectedExecutionException(SCHEDULER_SHUT_DOWN, ex);
				}
				CompletionWatcher.this.refusals.warn(System.nanoTime(), REFUSAL_WARNING, ex);
				this.nextWaiterPollNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
				this.polledByWaiters = true;
				return null;
			}
		}

		/** The delay before the next poll, doubling each time up to the maximum. Called holding the lock. */
		private long nextDelay() {
			long delay = this.nextDelayMillis;
			this.nextDelayMillis = Math.min(delay * 2, MAX_POLL_MILLIS);
			return delay;
		}

		private void pollOnce() {
			if (!stillOngoing(this.key)) {
				finish();
				return;
			}
			RejectedExecutionException shutDown;
			synchronized (this) {
				if (this.closed) {
					return;
				}
				shutDown = schedulePoll();
			}
			if (shutDown != null) {
				shutDown(shutDown);
			}
		}

	}

}
