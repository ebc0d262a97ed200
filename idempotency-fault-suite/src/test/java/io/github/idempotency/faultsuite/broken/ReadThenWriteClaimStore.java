package io.github.idempotency.faultsuite.broken;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.testing.ForwardingStore;

/**
 * A claim as naive implementations write it: read the key, and when nothing is there, write a new record over
 * whatever arrived meanwhile. The gap between the read and the write is one store round trip, which two duplicates
 * arriving together both fall into.
 */
final class ReadThenWriteClaimStore extends ForwardingStore {

	// one network round trip between the read and the write, as a client-side check-then-act has
	private static final long ROUND_TRIP_MILLIS = 2;

	ReadThenWriteClaimStore(IdempotencyStore delegate) {
		super(delegate);
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		Optional<io.github.idempotency.core.IdempotencyRecord> found = delegate().find(key, now);
		if (found.isPresent()) {
			return new ClaimResult.Existing(found.get());
		}
		pause();
		// the blind write: whatever another claimant wrote since the read is overwritten
		delegate().delete(key);
		return delegate().claim(key, fingerprint, now, lease);
	}

	private static void pause() {
		try {
			Thread.sleep(ROUND_TRIP_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
