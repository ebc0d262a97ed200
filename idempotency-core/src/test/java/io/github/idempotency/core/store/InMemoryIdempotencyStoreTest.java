package io.github.idempotency.core.store;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The store contract on the in-memory store, time driven by a mutable clock, plus its bound.
 */
class InMemoryIdempotencyStoreTest extends AbstractMutableClockStoreContractTest {

	@Override
	protected IdempotencyStore createStore() {
		return new InMemoryIdempotencyStore();
	}

	@Test
	void nameIsMemory() {
		assertThat(store().name()).isEqualTo("memory");
	}

	@Test
	void rejectsBoundBelowOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryIdempotencyStore(0));
	}

	@Test
	void fullStorePurgesExpiredRecordsToAcceptNewKey() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(3);
		store.claim(newKey(), FINGERPRINT, now(), lease());
		store.claim(newKey(), FINGERPRINT, now(), lease());
		StorageKey finishedKey = newKey();
		ClaimResult.Claimed finished = (ClaimResult.Claimed) store.claim(finishedKey, FINGERPRINT, now(), lease());
		store.complete(finishedKey, finished.owner(), RecordState.FINISHED_OK, response(), now(), lease().multipliedBy(10));
		elapse(pastLease());
		StorageKey fresh = newKey();
		assertThat(store.claim(fresh, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Claimed.class);
		// two expired leases were purged; the finished record in force stays
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.find(finishedKey, now())).isPresent();
		assertThat(store.find(fresh, now())).isPresent();
	}

	@Test
	void fullStoreRefusesNewKeyWhileEveryRecordIsInForce() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(2);
		StorageKey first = newKey();
		StorageKey second = newKey();
		store.claim(first, FINGERPRINT, now(), lease());
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(second, FINGERPRINT, now(), lease());
		store.complete(second, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention());
		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> store.claim(newKey(), FINGERPRINT, now(), lease()))
			.withMessageContaining("2 records");
		// nothing in force was evicted to make room
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.find(first, now())).isPresent();
		assertThat(store.find(second, now())).isPresent();
	}

	@Test
	void fullStoreStillAnswersDuplicatesAndTakesOverExpiredLeases() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(1);
		StorageKey key = newKey();
		store.claim(key, FINGERPRINT, now(), lease());
		assertThat(store.claim(key, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Existing.class);
		elapse(pastLease());
		ClaimResult takeover = store.claim(key, FINGERPRINT, now(), lease());
		assertThat(takeover).isInstanceOf(ClaimResult.Claimed.class);
		assertThat(((ClaimResult.Claimed) takeover).tookOver()).isTrue();
		assertThat(store.size()).isEqualTo(1);
	}

	@Test
	void releaseAndDeleteFreeRoom() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(1);
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(key, FINGERPRINT, now(), lease());
		assertThat(store.release(key, claimed.owner(), now())).isTrue();
		assertThat(store.size()).isZero();
		StorageKey other = newKey();
		assertThat(store.claim(other, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Claimed.class);
		assertThat(store.delete(other)).isTrue();
		assertThat(store.size()).isZero();
		assertThat(store.claim(newKey(), FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void fencedWritesDoNotChangeTheCount() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(2);
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(key, FINGERPRINT, now(), lease());
		StorageKey absent = newKey();
		assertThat(store.release(absent, claimed.owner(), now())).isFalse();
		assertThat(store.renew(absent, claimed.owner(), now(), lease())).isFalse();
		assertThat(store.complete(absent, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isFalse();
		assertThat(store.size()).isEqualTo(1);
	}

	@Test
	void purgeExpiredRemovesOnlyExpiredRecords() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
		store.claim(newKey(), FINGERPRINT, now(), lease());
		StorageKey live = newKey();
		store.claim(live, FINGERPRINT, now(), lease().multipliedBy(10));
		elapse(pastLease());
		assertThat(store.purgeExpired(now())).isEqualTo(1);
		assertThat(store.size()).isEqualTo(1);
		assertThat(store.find(live, now())).isPresent();
	}

	@Test
	void boundHoldsUnderConcurrentClaimsOfDistinctKeys() throws Exception {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(50);
		AtomicInteger claimed = new AtomicInteger();
		AtomicInteger refused = new AtomicInteger();
		Thread[] threads = new Thread[16];
		for (int t = 0; t < threads.length; t++) {
			threads[t] = new Thread(() -> {
				for (int i = 0; i < 20; i++) {
					try {
						store.claim(newKey(), FINGERPRINT, now(), lease());
						claimed.incrementAndGet();
					}
					catch (IdempotencyStoreException ex) {
						refused.incrementAndGet();
					}
				}
			});
			threads[t].start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(claimed.get()).isEqualTo(50);
		assertThat(refused.get()).isEqualTo(16 * 20 - 50);
		assertThat(store.size()).isEqualTo(50);
	}

}
