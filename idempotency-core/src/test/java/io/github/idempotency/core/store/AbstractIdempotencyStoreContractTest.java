package io.github.idempotency.core.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link IdempotencyStore} fulfils, as one suite that each store's test extends. A new store is
 * "implement the SPI, extend this class".
 * <p>
 * To test a store:
 * <ol>
 * <li>Extend this class (name the subclass {@code *Test} for a store that needs no server, {@code *IT} for one that
 * does) and implement {@link #createStore()}; it is called before each test. Tests use fresh random keys, so a
 * store shared with other test classes or other people (one Redis, one database) works, as long as the
 * subclass isolates its own data (a key prefix or a table of its own).</li>
 * <li>Implement {@link #now()} and {@link #elapse(Duration)}. A store that decides expiry by the {@code now} it is
 * given (the in-memory store) returns a mutable clock's instant and advances that clock, so no test sleeps. A
 * store that decides expiry by its server's clock (Redis {@code PX}, a database's {@code now()}) returns
 * {@link Instant#now()} and sleeps: this suite never assumes that a store obeys the {@code now} passed to it.</li>
 * <li>Such a sleeping store overrides {@link #lease()} and {@link #retention()} with short durations (e.g. 300 ms
 * and 600 ms), and {@link #clockTolerance()} with the skew allowed between the caller's and the server's
 * clock when deadlines are compared.</li>
 * <li>Optionally override {@link #destroyStore(IdempotencyStore)} to close connections after each test, and
 * {@link #racingThreads()} or {@link #raceRounds()} to fit a connection pool (the defaults, 32 threads and 50
 * rounds, are what the issue asks of every store).</li>
 * </ol>
 * Only JUnit 5 and AssertJ are needed on the test class path; the suite ships in {@code idempotency-core}'s test jar
 * ({@code <type>test-jar</type>}).
 */
public abstract class AbstractIdempotencyStoreContractTest {

	/** Fingerprint of the claiming request in most tests. */
	protected static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{\"a\":1}");

	/** Fingerprint of a different request with the same key. */
	protected static final RequestFingerprint OTHER_FINGERPRINT = RequestFingerprint.of("POST", "/payments",
			"{\"a\":2}");

	private IdempotencyStore store;

	private ExecutorService racers;

	/**
	 * Creates the store under test; called before each test.
	 * @return the store
	 */
	protected abstract IdempotencyStore createStore();

	/**
	 * The current instant, passed as {@code now} to every store call.
	 * @return a mutable clock's instant, or {@link Instant#now()} for a store that decides expiry by its own clock
	 */
	protected abstract Instant now();

	/**
	 * Lets time pass: advances the mutable clock behind {@link #now()}, or sleeps for a store with its own clock.
	 * @param duration how much time passes
	 */
	protected abstract void elapse(Duration duration);

	/**
	 * Closes what {@link #createStore()} opened; called after each test.
	 * @param store the store
	 */
	protected void destroyStore(IdempotencyStore store) {
	}

	/**
	 * The lease used by the tests; a store that sleeps in {@link #elapse} makes it short.
	 * @return the lease, 30 seconds by default
	 */
	protected Duration lease() {
		return Duration.ofSeconds(30);
	}

	/**
	 * The retention used by the tests; a store that sleeps in {@link #elapse} makes it short.
	 * @return the retention, one hour by default
	 */
	protected Duration retention() {
		return Duration.ofHours(1);
	}

	/**
	 * How far a deadline the store reports may be from the caller's {@code now} plus the duration.
	 * @return zero by default: the store computes deadlines from the {@code now} it is given
	 */
	protected Duration clockTolerance() {
		return Duration.ZERO;
	}

	/**
	 * How many threads race for one key.
	 * @return 32 by default
	 */
	protected int racingThreads() {
		return 32;
	}

	/**
	 * How many times the race runs, on a fresh key each time.
	 * @return 50 by default
	 */
	protected int raceRounds() {
		return 50;
	}

	/**
	 * The store under test.
	 * @return the store that {@link #createStore()} returned for this test
	 */
	protected final IdempotencyStore store() {
		return this.store;
	}

	/**
	 * A key no other test (or run) uses.
	 * @return a fresh storage key
	 */
	protected static StorageKey newKey() {
		return IdempotencyKey.of("contract", "test", UUID.randomUUID().toString()).storageKey();
	}

	@BeforeEach
	void setUpStore() {
		this.store = createStore();
	}

	@AfterEach
	void tearDownStore() throws InterruptedException {
		if (this.racers != null) {
			this.racers.shutdownNow();
			this.racers.awaitTermination(10, TimeUnit.SECONDS);
		}
		destroyStore(this.store);
	}

	// claim

	@Test
	void claimOfAbsentKeyHoldsItUnderLease() {
		StorageKey key = newKey();
		Instant before = now();
		ClaimResult result = this.store.claim(key, FINGERPRINT, before, lease());
		assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) result;
		assertThat(claimed.tookOver()).isFalse();
		assertCloseTo(claimed.leaseDeadline(), before.plus(lease()));
		IdempotencyRecord record = this.store.find(key, now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.ONGOING);
		assertThat(record.owner()).isEqualTo(claimed.owner());
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(record.response()).isNull();
		assertCloseTo(record.expiresAt(), claimed.leaseDeadline());
	}

	@Test
	void duplicateClaimReturnsTheOngoingRecordAndWritesNothing() {
		StorageKey key = newKey();
		ClaimResult.Claimed first = claim(key);
		ClaimResult second = this.store.claim(key, FINGERPRINT, now(), lease());
		assertThat(second).isInstanceOf(ClaimResult.Existing.class);
		IdempotencyRecord record = ((ClaimResult.Existing) second).record();
		assertThat(record.state()).isEqualTo(RecordState.ONGOING);
		assertThat(record.owner()).isEqualTo(first.owner());
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(this.store.complete(key, first.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.as("the first owner still holds the key")
			.isTrue();
	}

	@Test
	void claimWithDifferentFingerprintReturnsTheRecordWithTheOriginalFingerprint() {
		StorageKey key = newKey();
		ClaimResult.Claimed first = claim(key);
		ClaimResult second = this.store.claim(key, OTHER_FINGERPRINT, now(), lease());
		assertThat(second).isInstanceOf(ClaimResult.Existing.class);
		assertThat(((ClaimResult.Existing) second).record().fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(this.store.find(key, now()).orElseThrow().owner()).isEqualTo(first.owner());
	}

	@Test
	void claimOfFinishedKeyReturnsTheStoredResponse() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		StoredResponse response = response();
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response, now(), retention()))
			.isTrue();
		for (RequestFingerprint fingerprint : List.of(FINGERPRINT, OTHER_FINGERPRINT)) {
			ClaimResult again = this.store.claim(key, fingerprint, now(), lease());
			assertThat(again).isInstanceOf(ClaimResult.Existing.class);
			IdempotencyRecord record = ((ClaimResult.Existing) again).record();
			assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
			assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
			assertThat(record.owner()).isNull();
			assertThat(record.response()).isEqualTo(response);
		}
	}

	@Test
	void keysAreIndependent() {
		StorageKey key = newKey();
		StorageKey other = newKey();
		claim(key);
		assertThat(this.store.claim(other, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Claimed.class);
	}

	// lease expiry and takeover

	@Test
	void expiredLeaseIsTakenOverWithNewToken() {
		StorageKey key = newKey();
		ClaimResult.Claimed first = claim(key);
		elapse(pastLease());
		ClaimResult result = this.store.claim(key, FINGERPRINT, now(), lease());
		assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
		ClaimResult.Claimed second = (ClaimResult.Claimed) result;
		assertThat(second.tookOver()).isTrue();
		assertThat(second.owner()).isNotEqualTo(first.owner());
		assertThat(this.store.find(key, now()).orElseThrow().owner()).isEqualTo(second.owner());
	}

	@Test
	void expiredLeaseIsTakenOverByDifferentRequestToo() {
		StorageKey key = newKey();
		claim(key);
		elapse(pastLease());
		ClaimResult result = this.store.claim(key, OTHER_FINGERPRINT, now(), lease());
		assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
		assertThat(this.store.find(key, now()).orElseThrow().fingerprint()).isEqualTo(OTHER_FINGERPRINT);
	}

	@Test
	void formerOwnerCannotWriteAfterTakeover() {
		StorageKey key = newKey();
		ClaimResult.Claimed first = claim(key);
		elapse(pastLease());
		ClaimResult.Claimed second = claim(key);
		assertThat(this.store.complete(key, first.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isFalse();
		assertThat(this.store.renew(key, first.owner(), now(), lease())).isFalse();
		assertThat(this.store.release(key, first.owner(), now())).isFalse();
		IdempotencyRecord record = this.store.find(key, now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.ONGOING);
		assertThat(record.owner()).isEqualTo(second.owner());
		assertThat(this.store.complete(key, second.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isTrue();
	}

	@Test
	void expiredLeaseFencesItsOwnerEvenBeforeAnyTakeover() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		elapse(pastLease());
		assertThat(this.store.find(key, now())).isEmpty();
		assertThat(this.store.renew(key, claimed.owner(), now(), lease())).isFalse();
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isFalse();
		assertThat(this.store.release(key, claimed.owner(), now())).isFalse();
		assertThat(this.store.find(key, now())).isEmpty();
	}

	@Test
	void renewalKeepsALiveOwner() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		elapse(fractionOfLease(0.6));
		assertThat(this.store.renew(key, claimed.owner(), now(), lease())).isTrue();
		// past the first deadline, within the renewed one
		elapse(fractionOfLease(0.6));
		ClaimResult duplicate = this.store.claim(key, FINGERPRINT, now(), lease());
		assertThat(duplicate).isInstanceOf(ClaimResult.Existing.class);
		assertThat(((ClaimResult.Existing) duplicate).record().owner()).isEqualTo(claimed.owner());
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isTrue();
	}

	@Test
	void renewalCountsTheLeaseFromNow() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		elapse(fractionOfLease(0.5));
		Instant renewedAt = now();
		assertThat(this.store.renew(key, claimed.owner(), renewedAt, lease())).isTrue();
		assertCloseTo(this.store.find(key, now()).orElseThrow().expiresAt(), renewedAt.plus(lease()));
	}

	// stale owners

	@Test
	void staleOwnerCannotComplete() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		assertThat(this.store.complete(key, OwnerToken.random(), RecordState.FINISHED_OK, response(), now(),
				retention()))
			.isFalse();
		assertOngoingWith(key, claimed.owner());
	}

	@Test
	void staleOwnerCannotRelease() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		assertThat(this.store.release(key, OwnerToken.random(), now())).isFalse();
		assertOngoingWith(key, claimed.owner());
	}

	@Test
	void staleOwnerCannotRenew() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		IdempotencyRecord before = this.store.find(key, now()).orElseThrow();
		assertThat(this.store.renew(key, OwnerToken.random(), now(), lease())).isFalse();
		IdempotencyRecord after = this.store.find(key, now()).orElseThrow();
		assertThat(after.owner()).isEqualTo(claimed.owner());
		assertCloseTo(after.expiresAt(), before.expiresAt());
	}

	@Test
	void writesToAbsentKeyAreFenced() {
		StorageKey key = newKey();
		OwnerToken token = OwnerToken.random();
		assertThat(this.store.complete(key, token, RecordState.FINISHED_OK, response(), now(), retention())).isFalse();
		assertThat(this.store.release(key, token, now())).isFalse();
		assertThat(this.store.renew(key, token, now(), lease())).isFalse();
		assertThat(this.store.find(key, now())).isEmpty();
	}

	@Test
	void finishedRecordCannotBeWrittenByItsFormerOwner() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		StoredResponse response = response();
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response, now(), retention()))
			.isTrue();
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_ERROR,
				StoredResponse.of(500, Map.of(), new byte[] { 9 }), now(), retention()))
			.isFalse();
		assertThat(this.store.release(key, claimed.owner(), now())).isFalse();
		assertThat(this.store.renew(key, claimed.owner(), now(), lease())).isFalse();
		IdempotencyRecord record = this.store.find(key, now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.response()).isEqualTo(response);
	}

	// release

	@Test
	void releaseMakesTheKeyClaimableAgain() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		assertThat(this.store.release(key, claimed.owner(), now())).isTrue();
		assertThat(this.store.find(key, now())).isEmpty();
		ClaimResult again = this.store.claim(key, OTHER_FINGERPRINT, now(), lease());
		assertThat(again).isInstanceOf(ClaimResult.Claimed.class);
		assertThat(((ClaimResult.Claimed) again).tookOver()).isFalse();
		assertThat(((ClaimResult.Claimed) again).owner()).isNotEqualTo(claimed.owner());
		assertThat(this.store.release(key, claimed.owner(), now())).as("released twice").isFalse();
	}

	// complete

	@Test
	void completeStoresStatusHeadersAndBodyByteExact() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		Map<String, List<String>> headers = new LinkedHashMap<>();
		headers.put("Content-Type", List.of("application/json;charset=UTF-8"));
		headers.put("Location", List.of("/payments/42"));
		headers.put("Link", List.of("</a>; rel=\"first\"", "</b>; rel=\"next\"", "</c>; rel=\"last\""));
		byte[] body = "{\"id\":42,\"description\":\"caf\u00e9 \u2615\"}".getBytes(StandardCharsets.UTF_8);
		StoredResponse response = StoredResponse.of(201, headers, body);
		Instant completedAt = now();
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response, completedAt,
				retention()))
			.isTrue();
		IdempotencyRecord record = this.store.find(key, now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.owner()).isNull();
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(record.response().status()).isEqualTo(201);
		assertThat(record.response().headers()).isEqualTo(headers);
		assertThat(record.response().headers().get("Link")).containsExactlyElementsOf(headers.get("Link"));
		assertThat(record.response().body()).isEqualTo(body);
		assertThat(record.response().bodyRetained()).isTrue();
		assertCloseTo(record.expiresAt(), completedAt.plus(retention()));
	}

	@Test
	void completeStoresBinaryBodyByteExact() {
		byte[] body = new byte[1024];
		for (int i = 0; i < body.length; i++) {
			body[i] = (byte) i;
		}
		assertRoundTrip(RecordState.FINISHED_OK,
				StoredResponse.of(200, Map.of("Content-Type", List.of("application/octet-stream")), body));
	}

	@Test
	void completeStoresEmptyBody() {
		assertRoundTrip(RecordState.FINISHED_OK, StoredResponse.of(204, Map.of(), new byte[0]));
	}

	@Test
	void completeStoresResponseWithoutHeaders() {
		assertRoundTrip(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[] { 0 }));
	}

	@Test
	void completeStoresNotRetainedMarker() {
		assertRoundTrip(RecordState.FINISHED_OK,
				StoredResponse.notRetained(201, Map.of("Location", List.of("/payments/7"))));
	}

	@Test
	void finishedErrorRoundTrips() {
		assertRoundTrip(RecordState.FINISHED_ERROR,
				StoredResponse.of(402, Map.of("Content-Type", List.of("application/problem+json")),
						"{\"type\":\"declined\"}".getBytes(StandardCharsets.UTF_8)));
	}

	// retention

	@Test
	void finishedRecordIsReplayedUntilRetentionEnds() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isTrue();
		// the lease no longer matters once finished
		elapse(pastLease());
		assertThat(this.store.claim(key, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Existing.class);
	}

	@Test
	void retentionExpiryMakesTheKeyAbsent() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isTrue();
		elapse(pastRetention());
		assertThat(this.store.find(key, now())).isEmpty();
		ClaimResult again = this.store.claim(key, OTHER_FINGERPRINT, now(), lease());
		assertThat(again).isInstanceOf(ClaimResult.Claimed.class);
		assertThat(((ClaimResult.Claimed) again).tookOver()).isFalse();
	}

	// find and delete

	@Test
	void findOfAbsentKeyIsEmpty() {
		assertThat(this.store.find(newKey(), now())).isEmpty();
	}

	@Test
	void deleteRemovesOngoingRecordWhateverItsOwner() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		assertThat(this.store.delete(key)).isTrue();
		assertThat(this.store.find(key, now())).isEmpty();
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isFalse();
		assertThat(this.store.claim(key, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void deleteRemovesFinishedRecord() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention());
		assertThat(this.store.delete(key)).isTrue();
		assertThat(this.store.find(key, now())).isEmpty();
		assertThat(this.store.delete(key)).isFalse();
	}

	@Test
	void deleteOfAbsentKeyReportsNothingDeleted() {
		assertThat(this.store.delete(newKey())).isFalse();
	}

	// fenced administrative delete

	@Test
	void deleteIfUnchangedDeletesOngoingRecordAsSeenEvenAfterRenewal() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		IdempotencyRecord seen = this.store.find(key, now()).orElseThrow();
		assertThat(this.store.renew(key, claimed.owner(), now(), lease())).isTrue();
		assertThat(this.store.deleteIfUnchanged(key, seen, now())).isTrue();
		assertThat(this.store.find(key, now())).isEmpty();
		assertThat(this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention()))
			.isFalse();
	}

	@Test
	void deleteIfUnchangedRefusesRecordCompletedSinceSeen() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		IdempotencyRecord seen = this.store.find(key, now()).orElseThrow();
		this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), now(), retention());
		assertThat(this.store.deleteIfUnchanged(key, seen, now())).isFalse();
		assertThat(this.store.find(key, now()).orElseThrow().state()).isEqualTo(RecordState.FINISHED_OK);
	}

	@Test
	void deleteIfUnchangedRefusesOngoingRecordTakenOverSinceSeen() {
		StorageKey key = newKey();
		claim(key);
		IdempotencyRecord seen = this.store.find(key, now()).orElseThrow();
		elapse(pastLease());
		ClaimResult.Claimed second = claim(key);
		assertThat(this.store.deleteIfUnchanged(key, seen, now())).isFalse();
		assertThat(this.store.find(key, now()).orElseThrow().owner()).isEqualTo(second.owner());
	}

	@Test
	void deleteIfUnchangedDeletesFinishedRecordAsSeenOnce() {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		this.store.complete(key, claimed.owner(), RecordState.FINISHED_ERROR, response(), now(), retention());
		IdempotencyRecord seen = this.store.find(key, now()).orElseThrow();
		assertThat(this.store.deleteIfUnchanged(key, seen, now())).isTrue();
		assertThat(this.store.find(key, now())).isEmpty();
		assertThat(this.store.deleteIfUnchanged(key, seen, now())).isFalse();
		assertThat(this.store.claim(key, FINGERPRINT, now(), lease())).isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void deleteIfUnchangedRefusesLaterCompletionOfSameKey() {
		StorageKey key = newKey();
		ClaimResult.Claimed first = claim(key);
		this.store.complete(key, first.owner(), RecordState.FINISHED_ERROR, response(), now(), retention());
		IdempotencyRecord seen = this.store.find(key, now()).orElseThrow();
		assertThat(this.store.delete(key)).isTrue();
		elapse(Duration.ofMillis(20));
		ClaimResult.Claimed second = claim(key);
		this.store.complete(key, second.owner(), RecordState.FINISHED_ERROR, response(), now(), retention());
		assertThat(this.store.deleteIfUnchanged(key, seen, now())).isFalse();
		assertThat(this.store.find(key, now())).isPresent();
	}

	@Test
	void deleteIfUnchangedLeavesExpiredLeaseToTakeover() {
		StorageKey key = newKey();
		claim(key);
		IdempotencyRecord seen = this.store.find(key, now()).orElseThrow();
		elapse(pastLease());
		assertThat(this.store.deleteIfUnchanged(key, seen, now())).isFalse();
	}

	@Test
	void deleteIfUnchangedOfAbsentKeyIsFenced() {
		StorageKey key = newKey();
		IdempotencyRecord seen = IdempotencyRecord.ongoing(OwnerToken.random(), FINGERPRINT, now().plus(lease()));
		assertThat(this.store.deleteIfUnchanged(key, seen, now())).isFalse();
	}

	@Test
	void hasAName() {
		assertThat(this.store.name()).isNotBlank();
	}

	// races

	@Test
	void racingClaimsHaveExactlyOneWinner() throws Exception {
		int threads = racingThreads();
		this.racers = Executors.newFixedThreadPool(threads);
		for (int round = 0; round < raceRounds(); round++) {
			StorageKey key = newKey();
			CountDownLatch start = new CountDownLatch(1);
			List<Future<ClaimResult>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				RequestFingerprint fingerprint = (i % 2 == 0) ? FINGERPRINT : OTHER_FINGERPRINT;
				futures.add(this.racers.submit(() -> {
					start.await();
					return this.store.claim(key, fingerprint, now(), lease());
				}));
			}
			start.countDown();
			List<ClaimResult.Claimed> winners = new ArrayList<>();
			List<IdempotencyRecord> seen = new ArrayList<>();
			for (Future<ClaimResult> future : futures) {
				ClaimResult result = future.get(30, TimeUnit.SECONDS);
				if (result instanceof ClaimResult.Claimed claimed) {
					winners.add(claimed);
				}
				else {
					seen.add(((ClaimResult.Existing) result).record());
				}
			}
			assertThat(winners).as("winners of round %d", round).hasSize(1);
			OwnerToken winner = winners.get(0).owner();
			assertThat(seen).as("losers of round %d see the winner's record", round)
				.hasSize(threads - 1)
				.allSatisfy((record) -> {
					assertThat(record.state()).isEqualTo(RecordState.ONGOING);
					assertThat(record.owner()).isEqualTo(winner);
				});
			assertThat(this.store.find(key, now()).orElseThrow().owner()).isEqualTo(winner);
		}
	}

	@Test
	void racingTakeoversOfAnExpiredLeaseHaveExactlyOneWinner() throws Exception {
		int threads = racingThreads();
		this.racers = Executors.newFixedThreadPool(threads);
		int rounds = Math.max(1, raceRounds() / 10);
		for (int round = 0; round < rounds; round++) {
			StorageKey key = newKey();
			claim(key);
			elapse(pastLease());
			CountDownLatch start = new CountDownLatch(1);
			List<Future<ClaimResult>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(this.racers.submit(() -> {
					start.await();
					return this.store.claim(key, FINGERPRINT, now(), lease());
				}));
			}
			start.countDown();
			int winners = 0;
			for (Future<ClaimResult> future : futures) {
				if (future.get(30, TimeUnit.SECONDS) instanceof ClaimResult.Claimed claimed) {
					assertThat(claimed.tookOver()).isTrue();
					winners++;
				}
			}
			assertThat(winners).as("winners of round %d", round).isEqualTo(1);
		}
	}

	// helpers for subclasses and tests

	/**
	 * Claims a fresh key with {@link #FINGERPRINT}, asserting that the claim succeeds.
	 * @param key the key
	 * @return the claim
	 */
	protected final ClaimResult.Claimed claim(StorageKey key) {
		ClaimResult result = this.store.claim(key, FINGERPRINT, now(), lease());
		assertThat(result).as("claim of %s", key).isInstanceOf(ClaimResult.Claimed.class);
		return (ClaimResult.Claimed) result;
	}

	/**
	 * A response with a recognizable body.
	 * @return the response
	 */
	protected static StoredResponse response() {
		return StoredResponse.of(201, Map.of("Location", List.of("/payments/1")),
				"{\"id\":1}".getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A time just past a lease taken now: a quarter lease more, so that a store with its own clock has surely seen
	 * the deadline pass.
	 * @return the duration to {@link #elapse}
	 */
	protected Duration pastLease() {
		return lease().plus(lease().dividedBy(4));
	}

	/**
	 * A time just past a retention starting now.
	 * @return the duration to {@link #elapse}
	 */
	protected Duration pastRetention() {
		return retention().plus(retention().dividedBy(4));
	}

	private Duration fractionOfLease(double fraction) {
		return Duration.ofNanos((long) (lease().toNanos() * fraction));
	}

	private void assertRoundTrip(RecordState state, StoredResponse response) {
		StorageKey key = newKey();
		ClaimResult.Claimed claimed = claim(key);
		assertThat(this.store.complete(key, claimed.owner(), state, response, now(), retention())).isTrue();
		IdempotencyRecord found = this.store.find(key, now()).orElseThrow();
		assertThat(found.state()).isEqualTo(state);
		assertThat(found.fingerprint()).isEqualTo(FINGERPRINT);
		assertThat(found.response()).isEqualTo(response);
		assertThat(found.response().status()).isEqualTo(response.status());
		assertThat(found.response().headers()).isEqualTo(response.headers());
		assertThat(found.response().body()).isEqualTo(response.body());
		assertThat(found.response().bodyRetained()).isEqualTo(response.bodyRetained());
		ClaimResult replay = this.store.claim(key, FINGERPRINT, now(), lease());
		assertThat(replay).isInstanceOf(ClaimResult.Existing.class);
		assertThat(((ClaimResult.Existing) replay).record().state()).isEqualTo(state);
		assertThat(((ClaimResult.Existing) replay).record().response()).isEqualTo(response);
	}

	private void assertOngoingWith(StorageKey key, OwnerToken owner) {
		IdempotencyRecord record = this.store.find(key, now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.ONGOING);
		assertThat(record.owner()).isEqualTo(owner);
		assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
	}

	private void assertCloseTo(Instant actual, Instant expected) {
		Duration tolerance = clockTolerance();
		assertThat(actual).isBetween(expected.minus(tolerance), expected.plus(tolerance));
	}

}
