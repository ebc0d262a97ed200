package io.github.idempotency.faultsuite.broken;

import java.time.Duration;
import java.time.Instant;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.testing.ForwardingStore;

/**
 * A completion that writes by key alone, as the libraries without fencing do: when the caller's token no longer
 * owns the record, the response is written anyway, over the new owner's claim or result.
 */
final class UnfencedCompletionStore extends ForwardingStore {

	UnfencedCompletionStore(IdempotencyStore delegate) {
		super(delegate);
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		if (delegate().complete(key, owner, state, response, now, retention)) {
			return true;
		}
		IdempotencyRecord current = delegate().find(key, now).orElse(null);
		if (current != null && current.state() == RecordState.ONGOING) {
			return delegate().complete(key, current.owner(), state, response, now, retention);
		}
		if (current != null) {
			delegate().delete(key);
		}
		ClaimResult claim = delegate().claim(key,
				(current != null) ? current.fingerprint() : RequestFingerprint.of("unfenced-completion"), now, retention);
		return claim instanceof ClaimResult.Claimed claimed
				&& delegate().complete(key, claimed.owner(), state, response, now, retention);
	}

}
