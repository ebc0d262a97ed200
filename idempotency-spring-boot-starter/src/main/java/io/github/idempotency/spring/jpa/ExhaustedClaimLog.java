package io.github.idempotency.spring.jpa;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;

/**
 * Logs the claims that ran out of attempts: one warning at the first, then at most one a minute, describing the
 * latest and counting those since the last warning. A hot key may exhaust the claim of many of its duplicates, and a
 * warning for each would flood the log exactly when the database is under contention.
 */
final class ExhaustedClaimLog {

	static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final Log logger;

	private final LongSupplier nanoTime;

	/** Guarded by {@code this}. */
	private long unreported;

	/** {@code nanoTime} of the last warning. Guarded by {@code this}. */
	private long lastWarning;

	/** Guarded by {@code this}. */
	private boolean warned;

	ExhaustedClaimLog(Log logger) {
		this(logger, System::nanoTime);
	}

	ExhaustedClaimLog(Log logger, LongSupplier nanoTime) {
		this.logger = logger;
		this.nanoTime = nanoTime;
	}

	/**
	 * Notes a claim that ran out of attempts, and logs it unless a warning was logged less than a minute ago.
	 * @param claim what happened to it, made only when it is logged
	 */
	void exhausted(Supplier<String> claim) {
		if (!this.logger.isWarnEnabled()) {
			return;
		}
		long count;
		synchronized (this) {
			this.unreported++;
			long now = this.nanoTime.getAsLong();
			if (this.warned && now - this.lastWarning < INTERVAL_NANOS) {
				return;
			}
			count = this.unreported;
			this.unreported = 0;
			this.lastWarning = now;
			this.warned = true;
		}
		this.logger.warn(claim.get() + " (" + count + ((count == 1) ? " claim" : " claims") + " ran out of attempts "
				+ "since the last such warning; logged at most once a minute)");
	}

}
