package io.github.idempotency.core.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * Warns about refused claims at most once per interval, with the number refused since the previous warning: a full
 * store refuses every new key, and a line per refusal would flood the log of a service under load.
 * <p>
 * Time is the {@code now} of the refused claims, the clock that the store's callers inject, so tests drive it with
 * a mutable clock.
 * <p>
 * A refusal writes one shared counter, a {@link LongAdder} that threads refused at once do not contend on, and reads
 * the time of the next report: a refusal must cost no more than a replay, which writes nothing shared. The number a
 * report gives is the total at the report less the total at the report before, both read only when a report is due.
 */
final class RefusalReport {

	private final Logger logger;

	private final long intervalMillis;

	private final LongAdder total = new LongAdder();

	// the total of the last report: written only by the thread whose report is due, once per interval
	private final AtomicLong reported = new AtomicLong();

	private final AtomicLong nextReportMillis = new AtomicLong(Long.MIN_VALUE);

	RefusalReport(Logger logger, Duration interval) {
		this.logger = logger;
		this.intervalMillis = interval.toMillis();
	}

	/**
	 * Counts a refusal, and warns when the interval since the last warning has passed.
	 * @param nowMillis the refused claim's instant, in milliseconds since the epoch
	 * @param message the warning, given the number of refusals it reports
	 */
	void refused(long nowMillis, LongFunction<String> message) {
		this.total.increment();
		long next = this.nextReportMillis.get();
		if (nowMillis >= next && this.nextReportMillis.compareAndSet(next, nowMillis + this.intervalMillis)) {
			// the highest total reported wins, so that no refusal is reported twice should two reports ever overlap
			// (claims whose clocks are a minute apart); the one that finds nothing left says nothing
			long total = this.total.sum();
			long count = total - this.reported.getAndAccumulate(total, Math::max);
			if (count > 0) {
				this.logger.log(Level.WARNING, message.apply(count));
			}
		}
	}

	/**
	 * Refusals counted since the store was created.
	 * @return the total
	 */
	long total() {
		return this.total.sum();
	}

}
