package io.github.idempotency.faultsuite.broken;

import java.time.Duration;
import java.time.Instant;

import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.testing.ForwardingStore;

/**
 * Renewals that report success and extend nothing, as a store without a keep-alive behaves: every claim runs out
 * one lease after it was taken, however long the method still runs.
 */
final class NoRenewalStore extends ForwardingStore {

	NoRenewalStore(IdempotencyStore delegate) {
		super(delegate);
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		return true;
	}

}
