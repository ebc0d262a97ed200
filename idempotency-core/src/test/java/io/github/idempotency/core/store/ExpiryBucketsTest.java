package io.github.idempotency.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.Test;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RequestFingerprint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory store's expiry: slots grouped by the second they expire in, found again without a search, taken
 * first-written first within a second, and never looked past the earliest second.
 */
class ExpiryBucketsTest {

	private static final Instant SECOND = Instant.parse("2026-01-01T00:00:00Z");

	private final ExpiryBuckets buckets = new ExpiryBuckets();

	private int keys;

	@Test
	void slotsExpiringInOneSecondShareOneBucketWhateverTheirNumber() {
		List<StoredSlot> slots = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			StoredSlot slot = slot(SECOND.plusMillis(i % 1000));
			this.buckets.add(slot);
			slots.add(slot);
		}
		assertThat(this.buckets.bucketsMade()).as("one bucket for the second, made by its first slot").isEqualTo(1);
		Instant after = SECOND.plusSeconds(1);
		long looksBefore = this.buckets.examined();
		for (StoredSlot slot : slots) {
			assertThat(this.buckets.pollExpired(after)).isSameAs(slot);
		}
		assertThat(this.buckets.pollExpired(after)).isNull();
		assertThat(this.buckets.examined() - looksBefore).as("one look per slot taken, and one to find none left")
			.isEqualTo(10_000 + 1);
	}

	@Test
	void aRemovedSlotLeavesTheOthersInTheOrderTheyWereWritten() {
		StoredSlot first = slot(SECOND);
		StoredSlot second = slot(SECOND.plusMillis(1));
		StoredSlot third = slot(SECOND.plusMillis(2));
		StoredSlot fourth = slot(SECOND.plusMillis(3));
		List.of(first, second, third, fourth).forEach(this.buckets::add);
		this.buckets.remove(second);
		this.buckets.remove(fourth);
		this.buckets.remove(fourth);
		Instant after = SECOND.plusSeconds(1);
		assertThat(this.buckets.pollExpired(after)).isSameAs(first);
		assertThat(this.buckets.pollExpired(after)).isSameAs(third);
		assertThat(this.buckets.pollExpired(after)).isNull();
		assertThat(second.bucket).isNull();
	}

	@Test
	void aSlotInForceStopsTheLookAndOneExpiredBehindItInItsSecondWaitsForIt() {
		StoredSlot later = slot(SECOND.plusMillis(900));
		StoredSlot earlier = slot(SECOND.plusMillis(100));
		this.buckets.add(later);
		this.buckets.add(earlier);
		assertThat(this.buckets.pollExpired(SECOND.plusMillis(500))).as("the first slot written is still in force")
			.isNull();
		assertThat(this.buckets.pollExpired(SECOND.plusMillis(900))).isSameAs(later);
		assertThat(this.buckets.pollExpired(SECOND.plusMillis(900))).isSameAs(earlier);
	}

	@Test
	void slotsOfLaterSecondsAreNeverLookedAt() {
		for (int i = 0; i < 1_000; i++) {
			this.buckets.add(slot(SECOND.plusSeconds(1 + i % 100)));
		}
		long looksBefore = this.buckets.examined();
		for (int i = 0; i < 100; i++) {
			assertThat(this.buckets.pollExpired(SECOND.plusMillis(999))).isNull();
		}
		assertThat(this.buckets.examined() - looksBefore)
			.as("the earliest second is known to be later: no poll looks at the buckets")
			.isZero();
	}

	@Test
	void aPollInForceLooksOnceUntilTheEarliestSecondComes() {
		StoredSlot slot = slot(SECOND.plusMillis(5_500));
		this.buckets.add(slot);
		StoredSlot removed = slot(SECOND);
		this.buckets.add(removed);
		this.buckets.remove(removed);
		long looksBefore = this.buckets.examined();
		for (int i = 0; i < 100; i++) {
			assertThat(this.buckets.pollExpired(SECOND.plusSeconds(1))).isNull();
		}
		assertThat(this.buckets.examined() - looksBefore)
			.as("one look retires the empty bucket and finds the next one later: the polls after it do not look")
			.isEqualTo(2);
		assertThat(this.buckets.pollExpired(SECOND.plusSeconds(5))).isNull();
		assertThat(this.buckets.pollExpired(SECOND.plusSeconds(6))).isSameAs(slot);
	}

	@Test
	void aBucketAddedEarlierThanTheEarliestFoundIsTakenAtItsSecond() {
		this.buckets.add(slot(SECOND.plusSeconds(100)));
		assertThat(this.buckets.pollExpired(SECOND)).as("raises the earliest second known to 100").isNull();
		StoredSlot earlier = slot(SECOND.plusMillis(10_500));
		this.buckets.add(earlier);
		assertThat(this.buckets.pollExpired(SECOND.plusSeconds(10))).as("still in force").isNull();
		assertThat(this.buckets.pollExpired(SECOND.plusSeconds(11))).isSameAs(earlier);
		assertThat(this.buckets.pollExpired(SECOND.plusSeconds(11))).isNull();
	}

	@Test
	void concurrentAddsAndPollsNeverHideAnExpiredSlot() throws Exception {
		for (int round = 0; round < 50; round++) {
			ExpiryBuckets shared = new ExpiryBuckets();
			List<StoredSlot> added = new CopyOnWriteArrayList<>();
			CyclicBarrier start = new CyclicBarrier(4);
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < 2; t++) {
				int seed = round * 4 + t;
				List<StoredSlot> slots = new ArrayList<>();
				Random random = new Random(seed);
				for (int i = 0; i < 200; i++) {
					slots.add(slot(SECOND.plusSeconds(random.nextInt(50))));
				}
				threads.add(new Thread(() -> {
					await(start);
					for (StoredSlot slot : slots) {
						shared.add(slot);
						added.add(slot);
					}
				}));
				threads.add(new Thread(() -> {
					await(start);
					Random now = new Random(seed + 1000);
					for (int i = 0; i < 400; i++) {
						shared.pollExpired(SECOND.plusSeconds(now.nextInt(50)));
					}
				}));
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join();
			}
			long earliestLeft = added.stream()
				.filter((slot) -> slot.bucket != null)
				.mapToLong(StoredSlot::expirySecond)
				.min()
				.orElse(Long.MAX_VALUE);
			if (earliestLeft != Long.MAX_VALUE) {
				assertThat(shared.pollExpired(Instant.ofEpochSecond(earliestLeft + 1)))
					.as("round %d: a slot of second %d is left, expired one second later", round, earliestLeft)
					.isNotNull();
			}
		}
	}

	@Test
	void aBucketFoundEmptyIsRetiredAndALaterWriteToItsSecondMakesAnother() {
		StoredSlot removed = slot(SECOND);
		this.buckets.add(removed);
		this.buckets.remove(removed);
		assertThat(this.buckets.pollExpired(SECOND.plusSeconds(1))).as("the empty bucket is retired").isNull();
		// a writer whose clock lags behind writes to the retired second
		StoredSlot late = slot(SECOND.plusMillis(10));
		this.buckets.add(late);
		assertThat(this.buckets.bucketsMade()).isEqualTo(2);
		assertThat(this.buckets.pollExpired(SECOND.plusSeconds(1))).isSameAs(late);
		assertThat(this.buckets.pollExpired(SECOND.plusSeconds(1))).isNull();
	}

	@Test
	void bucketsOfManySecondsAreTakenInTheOrderOfTheirSeconds() {
		List<StoredSlot> slots = new ArrayList<>();
		for (int second = 99; second >= 0; second--) {
			StoredSlot slot = slot(SECOND.plusSeconds(second));
			this.buckets.add(slot);
			slots.add(0, slot);
		}
		Instant after = SECOND.plusSeconds(100);
		for (StoredSlot slot : slots) {
			assertThat(this.buckets.pollExpired(after)).isSameAs(slot);
		}
		assertThat(this.buckets.bucketsMade()).isEqualTo(100);
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (InterruptedException | BrokenBarrierException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private StoredSlot slot(Instant expiresAt) {
		return StoredSlot.ongoing(IdempotencyKey.of("expiry", "test", "key-" + this.keys++).storageKey(),
				OwnerToken.random(), RequestFingerprint.of("POST", "/", ""), expiresAt.getEpochSecond(),
				expiresAt.getNano());
	}

}
