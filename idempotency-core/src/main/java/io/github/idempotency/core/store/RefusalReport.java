package io.github.idempotency.core.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Warns about refused claims at most once per interval, with the number refused since the previous warning: a full
 * store refuses every new key, and a line per refusal would flood the log of a service under load.
 * <p>
 * Time is the {@code now} of the refused claims, the clock that the store's callers inject, so tests drive it with
 * a mutable clock.
 */
final class RefusalReport {

	private final Logger logger;

	private final long intervalMillis;

	private final AtomicLong total = new AtomicLong();

	private final AtomicLong unreported = new AtomicLong();

	private final AtomicLong nextReportMillis = new AtomicLong(Long.MIN_VALUE);

	RefusalReport(Logger logger, Duration interval) {
		this.logger = logger;
		this.intervalMillis = interval.toMillis();
	}

	/**
	 * Counts a refusal, and warns when the interval since the last warning has passed.
	 * @param now the refused claim's instant
	 * @param message the warning, given the number of refusals it reports
	 */
	void refused(Instant now, LongFunction<String> message) {
		this.total.incrementAndGet();
		this.unreported.incrementAndGet();
		long nowMillis = now.toEpochMilli();
		long next = this.nextReportMillis.get();
		if (nowMillis >= next && this.nextReportMillis.compareAndSet(next, nowMillis + this.intervalMillis)) {
			long count = this.unreported.getAndSet(0);
			this.logger.log(Level.WARNING, message.apply(count));
		}
	}

	/**
	 * Refusals counted since the store was created.
	 * @return the total
	 */
	long total() {
		return this.total.get();
	}

}
