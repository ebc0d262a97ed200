package io.github.idempotency.faultsuite.broken;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.testing.ForwardingStore;

/**
 * The store the library configured, or one broken store in front of it, as the {@link BrokenSwitch} says at each
 * call. The broken stores are built once, so one that remembers something (the completions that failed) keeps it
 * across switches.
 */
final class SwitchableStore extends ForwardingStore {

	private final BrokenSwitch brokenSwitch;

	private final IdempotencyStore readThenWriteClaim;

	private final IdempotencyStore unfencedCompletion;

	private final IdempotencyStore noRenewal;

	private final IdempotencyStore noCompletionRetry;

	SwitchableStore(IdempotencyStore delegate, BrokenSwitch brokenSwitch) {
		super(delegate);
		this.brokenSwitch = brokenSwitch;
		this.readThenWriteClaim = new ReadThenWriteClaimStore(delegate);
		this.unfencedCompletion = new UnfencedCompletionStore(delegate);
		this.noRenewal = new NoRenewalStore(delegate);
		this.noCompletionRetry = new NoCompletionRetryStore(delegate);
	}

	private IdempotencyStore current() {
		if (this.brokenSwitch.is(BrokenSetting.READ_THEN_WRITE_CLAIM)) {
			return this.readThenWriteClaim;
		}
		if (this.brokenSwitch.is(BrokenSetting.UNFENCED_COMPLETION)) {
			return this.unfencedCompletion;
		}
		if (this.brokenSwitch.is(BrokenSetting.NO_RENEWAL)) {
			return this.noRenewal;
		}
		if (this.brokenSwitch.is(BrokenSetting.NO_COMPLETION_RETRY)) {
			return this.noCompletionRetry;
		}
		return delegate();
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		return current().claim(key, fingerprint, now, lease);
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		return current().complete(key, owner, state, response, now, retention);
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		return current().release(key, owner, now);
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		return current().renew(key, owner, now, lease);
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		return current().find(key, now);
	}

	@Override
	public boolean delete(StorageKey key) {
		return current().delete(key);
	}

	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		return current().deleteIfUnchanged(key, seen, now);
	}

}
