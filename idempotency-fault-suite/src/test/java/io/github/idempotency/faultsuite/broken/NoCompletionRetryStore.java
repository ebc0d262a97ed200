package io.github.idempotency.faultsuite.broken;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.testing.ForwardingStore;

/**
 * A completion written once, as a library without completion retries writes it: when the first attempt fails (a
 * timeout, a dead connection), every later attempt of that execution fails too without reaching the store, so the
 * record stays ongoing until its lease runs out and a retry then runs the method again.
 */
final class NoCompletionRetryStore extends ForwardingStore {

	private final Set<String> failedCompletions = ConcurrentHashMap.newKeySet();

	NoCompletionRetryStore(IdempotencyStore delegate) {
		super(delegate);
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		String execution = key.value() + "/" + owner.value();
		if (this.failedCompletions.contains(execution)) {
			throw new IdempotencyStoreException("the completion failed once and is not retried (fault-suite.broken="
					+ BrokenSetting.NO_COMPLETION_RETRY.value() + ")");
		}
		try {
			return delegate().complete(key, owner, state, response, now, retention);
		}
		catch (IdempotencyStoreException ex) {
			this.failedCompletions.add(execution);
			throw ex;
		}
	}

}
