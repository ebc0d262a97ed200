package io.github.idempotency.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
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
		assertThat(this.buckets.examined() - looksBefore).as("one look per poll, at the earliest second only")
			.isEqualTo(100);
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

	private StoredSlot slot(Instant expiresAt) {
		IdempotencyRecord record = IdempotencyRecord.ongoing(OwnerToken.random(), RequestFingerprint.of("POST", "/", ""),
				expiresAt);
		return new StoredSlot(IdempotencyKey.of("expiry", "test", "key-" + this.keys++).storageKey(), record,
				RecordFootprint.of(record));
	}

}
