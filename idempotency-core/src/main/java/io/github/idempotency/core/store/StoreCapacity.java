package io.github.idempotency.core.store;

import java.lang.System.Logger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import io.github.idempotency.core.logging.RateLimitedWarning;
import org.jspecify.annotations.Nullable;

/**
 * The bounds of the in-memory store and what it holds against them: the number of records, their estimated bytes
 * ({@link RecordFootprint}), and the claims refused because a new record would not fit, reported at most once a
 * minute.
 */
final class StoreCapacity {

	private final AtomicInteger size = new AtomicInteger();

	private final AtomicLong bytes = new AtomicLong();

	private final int maxRecords;

	private final long maxBytes;

	private final RateLimitedWarning refusals;

	// built once: a refusal is answered on the request path of a store under load, and must cost no more than a replay
	private final String recordsFullMessage;

	private final String bytesFullMessage;

	private final LongFunction<String> recordsFullReport;

	private final LongFunction<String> bytesFullReport;

	StoreCapacity(int maxRecords, long maxBytes, Logger logger) {
		this.maxRecords = maxRecords;
		this.maxBytes = maxBytes;
		this.refusals = RateLimitedWarning.to(logger);
		this.recordsFullMessage = "The in-memory idempotency store holds " + maxRecords
				+ " records in force, its maximum, and accepts no new key until some expire";
		this.bytesFullMessage = "The in-memory idempotency store holds records in force of an estimated " + maxBytes
				+ " bytes, its maximum, and accepts no new key until some expire";
		this.recordsFullReport = (count) -> report(this.recordsFullMessage, count);
		this.bytesFullReport = (count) -> report(this.bytesFullMessage, count);
	}

	/**
	 * Tells, without reserving anything, why a new record would not fit now.
	 * @return why, or {@code null} when it may fit
	 */
	@Nullable String refusalOfNewRecord() {
		if (this.size.get() >= this.maxRecords) {
			return this.recordsFullMessage;
		}
		if (this.bytes.get() > this.maxBytes - RecordFootprint.RECORD_OVERHEAD) {
			return this.bytesFullMessage;
		}
		return null;
	}

	/**
	 * Reserves room for a new record.
	 * @param footprint its estimated bytes
	 * @return why it does not fit, or {@code null} once its room is reserved
	 */
	@Nullable String admit(long footprint) {
		if (this.size.incrementAndGet() > this.maxRecords) {
			this.size.decrementAndGet();
			return this.recordsFullMessage;
		}
		if (this.bytes.addAndGet(footprint) > this.maxBytes) {
			account(-1, -footprint);
			return this.bytesFullMessage;
		}
		return null;
	}

	/**
	 * Counts records and bytes that came or went.
	 * @param records the change in the number of records
	 * @param footprint the change in estimated bytes
	 */
	void account(int records, long footprint) {
		if (records != 0) {
			this.size.addAndGet(records);
		}
		if (footprint != 0) {
			this.bytes.addAndGet(footprint);
		}
	}

	/**
	 * Counts a refused claim, and logs the refusals since the last report when a report is due.
	 * @param nowMillis the current instant, in milliseconds since the epoch
	 * @param refusal why the new record did not fit
	 */
	void refused(long nowMillis, String refusal) {
		// the refusal is one of the two messages built above; their reports are built once too, not per refusal
		// the time is the refused claim's, from the clock its caller injects, so that tests drive the reports
		this.refusals.warn(TimeUnit.MILLISECONDS.toNanos(nowMillis),
				(refusal == this.bytesFullMessage) ? this.bytesFullReport : this.recordsFullReport);
	}

	int size() {
		return this.size.get();
	}

	long bytes() {
		return this.bytes.get();
	}

	int maxRecords() {
		return this.maxRecords;
	}

	long maxBytes() {
		return this.maxBytes;
	}

	long refusedClaims() {
		return this.refusals.count();
	}

	private String report(String refusal, long count) {
		return refusal + ": refused " + count + ((count == 1) ? " new key" : " new keys") + " since the last report ("
				+ this.size.get() + " of " + this.maxRecords + " records, an estimated " + this.bytes.get() + " of "
				+ this.maxBytes + " bytes). Raise its bounds, shorten the retention, or use a shared store (Redis, "
				+ "JPA).";
	}

}
