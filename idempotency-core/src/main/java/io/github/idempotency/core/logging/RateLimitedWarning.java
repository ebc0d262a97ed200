package io.github.idempotency.core.logging;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

import org.jspecify.annotations.Nullable;

/**
 * A warning about an event that may come in bursts (a full store refusing every new key, a scheduler refusing tasks,
 * claims losing races on a hot key): logged at the first event, then at most once per {@link #INTERVAL} with the
 * number of events since the last warning, so that a burst does not flood the log exactly when the service is under
 * pressure.
 * <p>
 * Each event passes the current time, so tests drive it with a fake clock, and the text of the warning, which is
 * made only when a warning is due and is given the number of events it reports. An event that logs nothing writes
 * one shared counter, a {@link LongAdder} that threads counting at once do not contend on, and reads the time of the
 * next warning: it takes no lock and allocates nothing, cheap enough for a request path under load. Events that
 * come at once may be reported by the next warning rather than this one, but none is reported twice or lost.
 * <p>
 * Thread-safe. Public so that the starter's stores share it; not part of the library's API ({@code docs/api.md}).
 */
public final class RateLimitedWarning {

	/** How long after a warning the next one may come. */
	public static final Duration INTERVAL = Duration.ofMinutes(1);

	private static final long INTERVAL_NANOS = INTERVAL.toNanos();

	// no warning yet: the first event is due, whatever its time
	private static final long NEVER = Long.MIN_VALUE;

	private final Output output;

	private final LongAdder total = new LongAdder();

	// the total of the last warning: written only by the thread whose warning is due, once per interval
	private final AtomicLong reported = new AtomicLong();

	private final AtomicLong nextWarningNanos = new AtomicLong(NEVER);

	/**
	 * A warning written to the given output.
	 * @param output where the warnings go
	 */
	public RateLimitedWarning(Output output) {
		this.output = output;
	}

	/**
	 * A warning logged at {@link Level#WARNING} by the given logger.
	 * @param logger the logger
	 * @return the warning
	 */
	public static RateLimitedWarning to(System.Logger logger) {
		return new RateLimitedWarning((message, thrown) -> {
			if (thrown != null) {
				logger.log(Level.WARNING, message, thrown);
			}
			else {
				logger.log(Level.WARNING, message);
			}
		});
	}

	/**
	 * Counts an event, and logs the warning if none was logged in the last {@link #INTERVAL}.
	 * @param nowNanos the current time in nanoseconds, from any origin ({@link System#nanoTime()}, an instant's
	 * nanoseconds since the epoch) as long as every event of this warning uses the same; a time earlier than the
	 * last warning's only counts
	 * @param message the warning, given the number of events it reports (at least one); called only when it is logged
	 */
	public void warn(long nowNanos, LongFunction<String> message) {
		warn(nowNanos, message, null);
	}

	/**
	 * Counts an event, and logs the warning if none was logged in the last {@link #INTERVAL}.
	 * @param nowNanos the current time in nanoseconds, from any origin ({@link System#nanoTime()}, an instant's
	 * nanoseconds since the epoch) as long as every event of this warning uses the same; a time earlier than the
	 * last warning's only counts
	 * @param message the warning, given the number of events it reports (at least one); called only when it is logged
	 * @param thrown the event's exception, logged with the warning if it is this event's warning; {@code null} if
	 * none
	 */
	public void warn(long nowNanos, LongFunction<String> message, @Nullable Throwable thrown) {
		this.total.increment();
		long next = this.nextWarningNanos.get();
		// compared by difference, as nanoTime must be: its origin may make any value negative
		if ((next == NEVER || nowNanos - next >= 0)
				&& this.nextWarningNanos.compareAndSet(next, nextAfter(nowNanos))) {
			// the highest total reported wins, so that no event is reported twice should two warnings ever overlap
			// (events whose clocks are an interval apart); the one that finds nothing left says nothing
			long total = this.total.sum();
			long count = total - this.reported.getAndAccumulate(total, Math::max);
			if (count > 0) {
				this.output.warn(message.apply(count), thrown);
			}
		}
	}

	/**
	 * The events counted since this warning was created, logged or not.
	 * @return the number of events
	 */
	public long count() {
		return this.total.sum();
	}

	private static long nextAfter(long nowNanos) {
		long next = nowNanos + INTERVAL_NANOS;
		// the one value that means "no warning yet" is skipped
		return (next != NEVER) ? next : next + 1;
	}

	/** Where the warnings go: a logger of any logging library. */
	@FunctionalInterface
	public interface Output {

		/**
		 * Logs a warning.
		 * @param message the warning
		 * @param thrown the exception to log with it, or {@code null}
		 */
		void warn(String message, @Nullable Throwable thrown);

	}

}
