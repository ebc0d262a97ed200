package io.github.idempotency.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move by hand, so that leases and retentions expire without sleeping. Thread-safe: many threads
 * may read it while one advances it.
 */
public final class MutableClock extends Clock {

	private final AtomicReference<Instant> instant;

	public MutableClock(Instant start) {
		this.instant = new AtomicReference<>(start);
	}

	/**
	 * A clock at an arbitrary but fixed instant, so that failures reproduce.
	 * @return the clock
	 */
	public static MutableClock start() {
		return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
	}

	/**
	 * Moves the clock forward.
	 * @param duration how far
	 * @return the new instant
	 */
	public Instant advance(Duration duration) {
		return this.instant.updateAndGet((current) -> current.plus(duration));
	}

	public void set(Instant instant) {
		this.instant.set(instant);
	}

	@Override
	public Instant instant() {
		return this.instant.get();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		if (!ZoneOffset.UTC.equals(zone)) {
			throw new IllegalArgumentException("A mutable test clock stays in UTC");
		}
		return this;
	}

}
