package io.github.idempotency.core.execution;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.store.IdempotencyStore;
import org.jspecify.annotations.Nullable;

/**
 * Configures an {@link IdempotentExecutor}; start with {@link IdempotentExecutor#builder}.
 */
public final class IdempotentExecutorBuilder {

	private final IdempotencyStore store;

	private Clock clock = Clock.systemUTC();

	private IdempotencyListener listener = IdempotencyListener.NONE;

	private @Nullable ScheduledExecutorService scheduler;

	private String namespace = "";

	IdempotentExecutorBuilder(IdempotencyStore store) {
		this.store = Objects.requireNonNull(store, "store");
	}

	/**
	 * The clock for {@code now} arguments, read to the millisecond ({@link Clock#millis()}); tests pass a mutable one.
	 * @param clock the clock
	 * @return this builder
	 */
	public IdempotentExecutorBuilder clock(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock");
		return this;
	}

	/**
	 * Receives outcomes, store timings and fenced writes; an exception it throws is logged and goes no further.
	 * @param listener the listener
	 * @return this builder
	 */
	public IdempotentExecutorBuilder listener(IdempotencyListener listener) {
		this.listener = Objects.requireNonNull(listener, "listener");
		return this;
	}

	/**
	 * Times lease renewals and runs waits' polls (the renewals' store calls run on a pool of their own that grows
	 * with the executions); by default the executor creates a daemon thread of its own and
	 * shuts it down on {@link IdempotentExecutor#close()}. A scheduler passed here is not shut down.
	 * @param scheduler the scheduler
	 * @return this builder
	 */
	public IdempotentExecutorBuilder scheduler(ScheduledExecutorService scheduler) {
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		return this;
	}

	/**
	 * Places every key in an application's namespace ({@link IdempotencyKey#inNamespace}), so that applications
	 * that share one store never see each other's records. Empty by default: no namespace.
	 * @param namespace the namespace, such as the application's name
	 * @return this builder
	 */
	public IdempotentExecutorBuilder namespace(String namespace) {
		this.namespace = Objects.requireNonNull(namespace, "namespace");
		return this;
	}

	/**
	 * Builds the executor.
	 * @return a new executor
	 */
	public IdempotentExecutor build() {
		ScheduledExecutorService given = this.scheduler;
		return (given != null) ? new IdempotentExecutor(this.store, this.clock, this.listener, given, false, renewals(),
					this.namespace)
				: new IdempotentExecutor(this.store, this.clock, this.listener, defaultScheduler(), true, renewals(),
						this.namespace);
	}

	/**
	 * Lease renewals call the store on threads of their own, created as executions need them and ended after a
	 * minute idle: a renewal waiting for a slow store (or a pooled connection) never holds up the others, nor the
	 * scheduler's clock.
	 */
	private static ExecutorService renewals() {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (runnable) -> {
					Thread thread = new Thread(runnable, "idempotency-lease-renewal-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		return pool;
	}

	private static ScheduledExecutorService defaultScheduler() {
		// two threads, so that a slow store read by a waiters' poll never holds up the timing of lease renewals
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, (runnable) -> {
			Thread thread = new Thread(runnable, "idempotency-lease");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

}
