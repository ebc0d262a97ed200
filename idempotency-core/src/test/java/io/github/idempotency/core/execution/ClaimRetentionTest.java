package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.ForwardingStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executor tells the store, at the claim, the retention its completion will pass: a store that files a record
 * by when it can be purged (the JPA store) needs it then, so that the completion moves no indexed column.
 */
class ClaimRetentionTest {

	@Test
	void claimCarriesThePolicysRetentionAndLease() throws InterruptedException {
		RetentionRecordingStore store = new RetentionRecordingStore();
		ExecutionPolicy policy = ExecutionPolicy.defaults("charge")
			.withLease(Duration.ofSeconds(12))
			.withRetention(Duration.ofMinutes(7));
		try (IdempotentExecutor executor = IdempotentExecutor.builder(store).build()) {
			ClaimOutcome outcome = executor.claim(IdempotencyKey.of("alice", "charge", "order-1"),
					RequestFingerprint.of("charge", "100 EUR"), policy);
			assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
			((ClaimOutcome.Acquired) outcome).execution().close();
		}
		assertThat(store.leases).containsExactly(Duration.ofSeconds(12));
		assertThat(store.retentions).containsExactly(Duration.ofMinutes(7));
	}

	private static final class RetentionRecordingStore extends ForwardingStore {

		final List<Duration> leases = new CopyOnWriteArrayList<>();

		final List<Duration> retentions = new CopyOnWriteArrayList<>();

		RetentionRecordingStore() {
			super(new InMemoryIdempotencyStore());
		}

		@Override
		public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease,
				Duration retention) {
			this.leases.add(lease);
			this.retentions.add(retention);
			return delegate().claim(key, fingerprint, nowEpochMillis, lease);
		}

	}

}
