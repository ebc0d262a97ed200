package io.github.idempotency.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves one millisecond forward on every read, so that records written by earlier invocations of a
 * benchmark expire and their keys can be claimed again as new ones. Read by one benchmark thread only.
 */
final class SteppingClock extends Clock {

	private long millis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(this.millis++);
	}

	@Override
	public long millis() {
		return this.millis++;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		if (!ZoneOffset.UTC.equals(zone)) {
			throw new IllegalArgumentException("A stepping clock is in UTC only, not " + zone);
		}
		return this;
	}

}
