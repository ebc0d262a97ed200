package io.github.idempotency.core.store;

import java.time.Duration;
import java.time.Instant;

import io.github.idempotency.core.MutableClock;

/**
 * The store contract with time driven by a {@link MutableClock}, for stores that take the current instant only from
 * their caller (the in-memory store and the broken stores built on it), so that lease and retention expiry are tested
 * without waiting.
 */
abstract class AbstractMutableClockStoreContractTest extends AbstractIdempotencyStoreContractTest {

	private final MutableClock clock = MutableClock.start();

	@Override
	protected Instant now() {
		return this.clock.instant();
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

}
