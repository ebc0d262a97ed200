package io.github.idempotency.spring.jpa;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Purges expired records of a {@link JpaIdempotencyStore} every {@code idempotency.jpa.purge-interval}, on a daemon
 * thread of its own, while the application context runs. Each instance of a service runs its own purge; they do not
 * coordinate, since the purge skips rows that others hold. The first run waits a random part of the interval, so
 * instances started together spread their purges.
 */
public final class ScheduledPurge implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ScheduledPurge.class);

	private final JpaIdempotencyStore store;

	private final Duration interval;

	private final int batchSize;

	private volatile ScheduledExecutorService scheduler;

	/**
	 * @param store the store to purge
	 * @param interval the time between the end of one purge and the start of the next
	 * @param batchSize the most rows one statement deletes
	 */
	public ScheduledPurge(JpaIdempotencyStore store, Duration interval, int batchSize) {
		if (interval == null || interval.isZero() || interval.isNegative()) {
			throw new IllegalArgumentException("idempotency.jpa.purge-interval must be positive, was " + interval);
		}
		if (batchSize < 1) {
			throw new IllegalArgumentException("idempotency.jpa.purge-batch-size must be at least 1, was " + batchSize);
		}
		this.store = store;
		this.interval = interval;
		this.batchSize = batchSize;
	}

	/**
	 * Purges now, on the calling thread.
	 * @return how many expired records were deleted
	 */
	public long purge() {
		long deleted = this.store.purgeExpired(this.batchSize);
		if (deleted > 0 && logger.isDebugEnabled()) {
			logger.debug("Purged " + deleted + " expired idempotency records from " + this.store.getTableName());
		}
		return deleted;
	}

	@Override
	public synchronized void start() {
		if (this.scheduler != null) {
			return;
		}
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "idempotency-purge");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1, this.interval.toMillis());
		executor.scheduleWithFixedDelay(this::purgeQuietly, ThreadLocalRandom.current().nextLong(period / 2, period + 1),
				period, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	private void purgeQuietly() {
		try {
			purge();
		}
		catch (RuntimeException ex) {
			// expired records count as absent anyway; the next run tries again
			logger.warn("Failed to purge expired idempotency records from " + this.store.getTableName(), ex);
		}
	}

}
