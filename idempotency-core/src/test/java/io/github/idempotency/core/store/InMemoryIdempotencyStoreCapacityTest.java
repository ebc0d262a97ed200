package io.github.idempotency.core.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;

import static io.github.idempotency.core.store.InMemoryIdempotencyStore.RECORD_OVERHEAD_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The in-memory store's bounds by records and by bytes, its incremental expiry, and how it refuses and reports a
 * full store. Time is a mutable clock: nothing sleeps.
 */
class InMemoryIdempotencyStoreCapacityTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofHours(1);

	private final MutableClock clock = MutableClock.start();

	private final RecordingLogger logger = new RecordingLogger();

	private int keys;

	@Test
	void defaultsAreDocumentedBounds() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
		assertThat(store.maxRecords()).isEqualTo(100_000);
		assertThat(store.maxBytes()).isEqualTo(128L * 1024 * 1024);
		assertThat(new InMemoryIdempotencyStore(7).maxRecords()).isEqualTo(7);
	}

	@Test
	void rejectsBoundsThatHoldNoRecord() {
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryIdempotencyStore.builder().maxRecords(0))
			.withMessageContaining("maxRecords");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InMemoryIdempotencyStore.builder().maxBytes(RECORD_OVERHEAD_BYTES - 1))
			.withMessageContaining("maxBytes must be at least " + RECORD_OVERHEAD_BYTES);
	}

	@Test
	void bytesHeldCountTheOverheadOfEveryRecordAndTheStoredResponses() {
		InMemoryIdempotencyStore store = store(100, Long.MAX_VALUE);
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(store, key);
		assertThat(store.bytesHeld()).isEqualTo(RECORD_OVERHEAD_BYTES);
		StoredResponse response = StoredResponse.of(201, Map.of("Location", List.of("/payments/1")), body(1000));
		store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response, this.clock.instant(), RETENTION);
		// body, header name and value, and the fixed amounts around them
		long responseBytes = RecordFootprint.RESPONSE_OVERHEAD + 1000 + RecordFootprint.HEADER_OVERHEAD
				+ "Location".length() + RecordFootprint.VALUE_OVERHEAD + "/payments/1".length();
		assertThat(store.bytesHeld()).isEqualTo(RECORD_OVERHEAD_BYTES + responseBytes);
		StorageKey released = newKey();
		ClaimResult.Claimed second = claim(store, released);
		store.release(released, second.owner(), this.clock.instant());
		assertThat(store.bytesHeld()).isEqualTo(RECORD_OVERHEAD_BYTES + responseBytes);
		store.delete(key);
		assertThat(store.bytesHeld()).isZero();
		assertThat(store.size()).isZero();
	}

	@Test
	void fullByBytesRefusesNewKeysButAnswersDuplicates() {
		InMemoryIdempotencyStore store = store(100, 3 * RECORD_OVERHEAD_BYTES + 2000);
		StorageKey big = newKey();
		ClaimResult.Claimed claimed = claim(store, big);
		store.complete(big, claimed.owner(), RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), body(2000)),
				this.clock.instant(), RETENTION);
		StorageKey small = newKey();
		claim(store, small);
		assertThatExceptionOfType(IdempotencyStoreFullException.class)
			.isThrownBy(() -> store.claim(newKey(), FINGERPRINT, this.clock.instant(), LEASE))
			.isInstanceOf(IdempotencyStoreException.class)
			.withMessageContaining(store.maxBytes() + " bytes");
		assertThat(store.size()).as("two records, far below the bound by records").isEqualTo(2);
		assertThat(store.claim(big, FINGERPRINT, this.clock.instant(), LEASE)).isInstanceOf(ClaimResult.Existing.class);
		assertThat(store.claim(small, FINGERPRINT, this.clock.instant(), LEASE))
			.isInstanceOf(ClaimResult.Existing.class);
	}

	@Test
	void completionIsNeverRefusedSoTheBytesMayPassTheBoundUntilRecordsExpire() {
		InMemoryIdempotencyStore store = store(100, 2 * RECORD_OVERHEAD_BYTES);
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(store, key);
		assertThat(store.complete(key, claimed.owner(), RecordState.FINISHED_OK,
				StoredResponse.of(200, Map.of(), body(5000)), this.clock.instant(), RETENTION))
			.as("the execution happened: its response is kept")
			.isTrue();
		assertThat(store.bytesHeld()).isGreaterThan(store.maxBytes());
		assertThatExceptionOfType(IdempotencyStoreFullException.class)
			.isThrownBy(() -> store.claim(newKey(), FINGERPRINT, this.clock.instant(), LEASE));
		this.clock.advance(RETENTION);
		assertThat(store.claim(newKey(), FINGERPRINT, this.clock.instant(), LEASE))
			.isInstanceOf(ClaimResult.Claimed.class);
		assertThat(store.bytesHeld()).isEqualTo(RECORD_OVERHEAD_BYTES);
	}

	@Test
	void fullByRecordsRefusesWithoutLookingAtTheExpiryWhateverItsSize() {
		InMemoryIdempotencyStore store = store(5_000, Long.MAX_VALUE);
		for (int i = 0; i < 5_000; i++) {
			claim(store, newKey());
		}
		long looksBefore = store.expiryLooks();
		for (int i = 0; i < 1_000; i++) {
			assertThatExceptionOfType(IdempotencyStoreFullException.class)
				.isThrownBy(() -> store.claim(newKey(), FINGERPRINT, this.clock.instant(), LEASE))
				.withMessageContaining("5000 records");
		}
		assertThat(store.expiryLooks() - looksBefore)
			.as("looks at the expiry for 1000 refusals: none, its earliest second is known to be later")
			.isZero();
		assertThat(store.refusedClaims()).isEqualTo(1_000);
		assertThat(store.size()).isEqualTo(5_000);
	}

	@Test
	void refusalOfANewKeyMakesNothingButItsException() {
		InMemoryIdempotencyStore store = store(1_000, Long.MAX_VALUE);
		for (int i = 0; i < 1_000; i++) {
			claim(store, newKey());
		}
		List<StorageKey> newKeys = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			newKeys.add(newKey());
		}
		ThreadAllocation allocation = ThreadAllocation.ofCurrentThread();
		refuseEach(store, newKeys.subList(0, 1_000));
		long before = allocation.bytes();
		refuseEach(store, newKeys.subList(1_000, 2_000));
		long perRefusal = (allocation.bytes() - before) / 1_000;
		// the exception is about 40 bytes; a claim's token, record and map update would be hundreds more
		assertThat(perRefusal).as("bytes allocated per refusal").isLessThan(100);
		assertThat(store.size()).isEqualTo(1_000);
	}

	@Test
	void concurrentWritesLeaveNoRecordOutOfTheExpiryNorCountedTwice() throws Exception {
		InMemoryIdempotencyStore store = store(100_000, Long.MAX_VALUE);
		List<StorageKey> shared = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			shared.add(newKey());
		}
		StoredResponse response = StoredResponse.of(200, Map.of(), body(10));
		List<Thread> writers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			int writer = w;
			writers.add(new Thread(() -> {
				java.util.Random random = new java.util.Random(writer);
				for (int i = 0; i < 20_000; i++) {
					if (writer == 0 && i % 500 == 0) {
						this.clock.advance(Duration.ofMillis(700));
					}
					StorageKey key = shared.get(random.nextInt(shared.size()));
					java.time.Instant now = this.clock.instant();
					if (store.claim(key, FINGERPRINT, now, Duration.ofSeconds(1 + random.nextInt(3)))
							instanceof ClaimResult.Claimed claimed) {
						switch (random.nextInt(4)) {
							case 0 -> store.release(key, claimed.owner(), now);
							case 1 -> store.renew(key, claimed.owner(), now, Duration.ofSeconds(2));
							case 2 -> store.delete(key);
							default -> store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response, now,
									Duration.ofSeconds(1 + random.nextInt(5)));
						}
					}
				}
			}));
		}
		writers.forEach(Thread::start);
		for (Thread writer : writers) {
			writer.join();
		}
		int held = (int) shared.stream().filter((key) -> store.find(key, this.clock.instant()).isPresent()).count();
		assertThat(store.size()).as("records held, expired ones included").isGreaterThanOrEqualTo(held);
		this.clock.advance(Duration.ofMinutes(1));
		store.purgeExpired(this.clock.instant());
		assertThat(store.size()).as("every record was in the expiry, once").isZero();
		assertThat(store.bytesHeld()).isZero();
	}

	@Test
	void aFullStoreRejectsALeaseThatIsNotPositiveAsAnEmptyOneDoes() {
		InMemoryIdempotencyStore store = store(1, Long.MAX_VALUE);
		claim(store, newKey());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> store.claim(newKey(), FINGERPRINT, this.clock.instant(), Duration.ZERO))
			.withMessage("lease must be positive, was PT0S");
		assertThat(store.refusedClaims()).isZero();
	}

	@Test
	void refusalCarriesNoStackTrace() {
		InMemoryIdempotencyStore store = store(1, Long.MAX_VALUE);
		claim(store, newKey());
		assertThatExceptionOfType(IdempotencyStoreFullException.class)
			.isThrownBy(() -> store.claim(newKey(), FINGERPRINT, this.clock.instant(), LEASE))
			.satisfies((refusal) -> assertThat(refusal.getStackTrace()).isEmpty());
	}

	@Test
	void everyClaimRemovesAFewExpiredRecordsFromTheHeadOfTheQueue() {
		InMemoryIdempotencyStore store = store(1_000, Long.MAX_VALUE);
		for (int i = 0; i < 100; i++) {
			claim(store, newKey());
		}
		this.clock.advance(LEASE);
		claim(store, newKey());
		assertThat(store.size()).as("one claim added one record and removed two expired ones").isEqualTo(99);
		for (int i = 0; i < 49; i++) {
			claim(store, newKey());
		}
		assertThat(store.size()).as("fifty claims removed every expired lease, and kept their own records")
			.isEqualTo(50);
		claim(store, newKey());
		assertThat(store.size()).as("nothing expired is left to remove").isEqualTo(51);
		assertThat(store.bytesHeld()).isEqualTo(51 * RECORD_OVERHEAD_BYTES);
	}

	@Test
	void expiryFollowsEachRecordsOwnDeadlineWhateverTheOrderOfWrites() {
		InMemoryIdempotencyStore store = store(1_000, Long.MAX_VALUE);
		StorageKey retained = newKey();
		ClaimResult.Claimed claimed = claim(store, retained);
		store.complete(retained, claimed.owner(), RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), body(1)),
				this.clock.instant(), RETENTION);
		StorageKey renewed = newKey();
		ClaimResult.Claimed renewing = claim(store, renewed);
		List<StorageKey> shortLived = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			StorageKey key = newKey();
			claim(store, key);
			shortLived.add(key);
		}
		this.clock.advance(Duration.ofSeconds(20));
		store.renew(renewed, renewing.owner(), this.clock.instant(), LEASE);
		this.clock.advance(Duration.ofSeconds(15));
		assertThat(store.purgeExpired(this.clock.instant())).as("the ten leases that were not renewed").isEqualTo(10);
		assertThat(store.find(retained, this.clock.instant())).isPresent();
		assertThat(store.find(renewed, this.clock.instant())).isPresent();
		shortLived.forEach((key) -> assertThat(store.find(key, this.clock.instant())).isEmpty());
		assertThat(store.size()).isEqualTo(2);
	}

	@Test
	void fullStoreMakesRoomFromExpiredRecordsWithoutVisitingRecordsInForce() {
		InMemoryIdempotencyStore store = store(3_000, Long.MAX_VALUE);
		for (int i = 0; i < 1_000; i++) {
			claim(store, newKey());
		}
		this.clock.advance(Duration.ofSeconds(10));
		for (int i = 0; i < 2_000; i++) {
			claim(store, newKey());
		}
		this.clock.advance(Duration.ofSeconds(25));
		long looksBefore = store.expiryLooks();
		assertThat(store.claim(newKey(), FINGERPRINT, this.clock.instant(), LEASE))
			.isInstanceOf(ClaimResult.Claimed.class);
		assertThat(store.size()).as("sixteen expired leases made room, two more were removed after the claim")
			.isEqualTo(3_000 - 16 + 1 - 2);
		assertThat(store.expiryLooks() - looksBefore).as("one look per expired record removed, and no more")
			.isEqualTo(16 + 2);
	}

	@Test
	void refusalsAreReportedAtMostOnceAMinuteWithTheirNumber() {
		InMemoryIdempotencyStore store = store(1, Long.MAX_VALUE);
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(store, key);
		store.complete(key, claimed.owner(), RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), body(1)),
				this.clock.instant(), RETENTION);
		refuse(store, 1);
		assertThat(this.logger.lines).singleElement()
			.asString()
			.startsWith("WARNING The in-memory idempotency store holds 1 records in force")
			.contains("refused 1 new key since the last report", "1 of 1 records");
		refuse(store, 9);
		this.clock.advance(Duration.ofSeconds(59));
		refuse(store, 10);
		assertThat(this.logger.lines).as("still within the minute").hasSize(1);
		this.clock.advance(Duration.ofSeconds(1));
		refuse(store, 1);
		assertThat(this.logger.lines).hasSize(2);
		assertThat(this.logger.lines.get(1)).contains("refused 20 new keys since the last report");
		assertThat(store.refusedClaims()).isEqualTo(21);
	}

	private void refuse(InMemoryIdempotencyStore store, int times) {
		for (int i = 0; i < times; i++) {
			assertThatExceptionOfType(IdempotencyStoreFullException.class)
				.isThrownBy(() -> store.claim(newKey(), FINGERPRINT, this.clock.instant(), LEASE));
		}
	}

	private void refuseEach(InMemoryIdempotencyStore store, List<StorageKey> keys) {
		for (StorageKey key : keys) {
			try {
				store.claim(key, FINGERPRINT, this.clock.instant(), LEASE);
				throw new AssertionError("The full store accepted " + key);
			}
			catch (IdempotencyStoreFullException expected) {
				// the path measured
			}
		}
	}

	private InMemoryIdempotencyStore store(int maxRecords, long maxBytes) {
		return InMemoryIdempotencyStore.builder().maxRecords(maxRecords).maxBytes(maxBytes).logger(this.logger).build();
	}

	private ClaimResult.Claimed claim(InMemoryIdempotencyStore store, StorageKey key) {
		ClaimResult result = store.claim(key, FINGERPRINT, this.clock.instant(), LEASE);
		assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
		return (ClaimResult.Claimed) result;
	}

	private StorageKey newKey() {
		return IdempotencyKey.of("capacity", "test", "key-" + this.keys++).storageKey();
	}

	private static byte[] body(int length) {
		return "x".repeat(length).getBytes(StandardCharsets.US_ASCII);
	}

}
