package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.github.idempotency.core.StorageKey;

/**
 * Lets duplicates wait for an ongoing execution to end. All waiters on one key in this JVM share one watch: a
 * single background poll of the store (for owners in other instances) with a backoff, cut short by a local signal
 * when the owner runs in this JVM. So a hundred waiting requests cost one store read per poll, not a hundred.
 */
final class CompletionWatcher {

	private static final long FIRST_POLL_MILLIS = 10;

	private static final long MAX_POLL_MILLIS = 250;

	private final ConcurrentHashMap<StorageKey, Watch> watches = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler;

	private final Predicate<StorageKey> stillOngoing;

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
	 */
	boolean awaitEnd(StorageKey key, Duration timeout) throws InterruptedException {
		Watch watch = join(key);
		try {
			watch.ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
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

	private final class Watch {

		private final StorageKey key;

		private final CompletableFuture<Void> ended = new CompletableFuture<>();

		private int waiters;

		private boolean closed;

		private long nextDelayMillis = FIRST_POLL_MILLIS;

		private ScheduledFuture<?> poll;

		Watch(StorageKey key) {
			this.key = key;
		}

		synchronized boolean enter() {
			if (this.closed) {
				return false;
			}
			if (this.waiters++ == 0 && this.poll == null) {
				try {
					schedulePoll();
				}
				catch (RuntimeException ex) {
					// a stopped scheduler: leave no watch behind that later waiters would join and never see polled
					this.waiters--;
					close();
					throw ex;
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

		private void close() {
			if (!this.closed) {
				this.closed = true;
				if (this.poll != null) {
					this.poll.cancel(false);
				}
				CompletionWatcher.this.watches.remove(this.key, this);
			}
		}

		private void schedulePoll() {
			this.poll = CompletionWatcher.this.scheduler.schedule(this::pollOnce, this.nextDelayMillis,
					TimeUnit.MILLISECONDS);
			this.nextDelayMillis = Math.min(this.nextDelayMillis * 2, MAX_POLL_MILLIS);
		}

		private void pollOnce() {
			boolean ongoing;
			try {
				ongoing = CompletionWatcher.this.stillOngoing.test(this.key);
			}
			catch (RuntimeException ex) {
				ongoing = true;
			}
			if (!ongoing) {
				finish();
				return;
			}
			synchronized (this) {
				if (!this.closed) {
					schedulePoll();
				}
			}
		}

	}

}
