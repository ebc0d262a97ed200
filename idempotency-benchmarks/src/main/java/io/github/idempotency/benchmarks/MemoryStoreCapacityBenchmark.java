package io.github.idempotency.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStoreFullException;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-memory store near its bound (issue 12, item 6): a first claim costs the same whether the store is empty or
 * almost full, and a full store refuses a new key for no more than a replay costs.
 * <p>
 * The store is bounded at {@value #MAX_RECORDS} records and filled with {@code fill} finished records in force (an
 * hour's retention, a 200-byte response each) before measuring.
 * <ul>
 * <li>{@link #firstClaim()}: a claim of a key the store does not hold, then its release, so that the store stays at
 * its fill level for the whole run; measured at fill levels from empty to one record short of full.</li>
 * <li>{@link #refusal()}: the claim of a new key on the full store, answered with
 * {@link IdempotencyStoreFullException} (a 503 for the caller).</li>
 * <li>{@link #replay()}: the claim of a key the full store holds, answered with its finished record (the store's part
 * of a replay), always the same key; {@link #replayInTurn()}: the same for the keys the store holds taken in turn,
 * so that, like the new keys of a refusal, they are seldom in the processor's cache; {@link #find()}: the read of
 * a record.</li>
 * </ul>
 * Storage keys are hashed before measuring: what is measured is the store alone. The filled records are moved to the
 * old generation by a collection before measuring, as those of a store full for a while are: otherwise the first
 * collections of the measurement copy them, and that cost grows with the fill level without being the store's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class MemoryStoreCapacityBenchmark {

	static final int MAX_RECORDS = 100_000;

	/** Distinct new keys claimed in turn; a power of two, so the next index is a mask. */
	private static final int NEW_KEY_COUNT = 1 << 16;

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofHours(1);

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final StoredResponse RESPONSE = StoredResponse.of(201,
			Map.of("Content-Type", List.of("application/json"), "Location", List.of("/payments/1")),
			"x".repeat(200).getBytes(StandardCharsets.US_ASCII));

	private static final StorageKey HELD_KEY = key("held", 0);

	/**
	 * A claim of a key the store does not hold, and its release.
	 * @param filled the store at its fill level
	 * @return whether the release applied
	 */
	@Benchmark
	public boolean firstClaim(FilledStore filled) {
		StorageKey key = filled.newKeys.next();
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) filled.store.claim(key, FINGERPRINT, NOW, LEASE);
		return filled.store.release(key, claimed.owner(), NOW);
	}

	/**
	 * The claim of a new key on the full store: refused.
	 * @param full the full store
	 * @return the refusal
	 */
	@Benchmark
	public Object refusal(FullStore full) {
		try {
			return full.store.claim(full.newKeys.next(), FINGERPRINT, NOW, LEASE);
		}
		catch (IdempotencyStoreFullException refused) {
			return refused;
		}
	}

	/**
	 * The claim of a key the full store holds: its finished record.
	 * @param full the full store
	 * @return the existing record
	 */
	@Benchmark
	public ClaimResult replay(FullStore full) {
		return full.store.claim(HELD_KEY, FINGERPRINT, NOW, LEASE);
	}

	/**
	 * The claim of keys the full store holds, taken in turn: their finished records.
	 * @param full the full store
	 * @return the existing record
	 */
	@Benchmark
	public ClaimResult replayInTurn(FullStore full) {
		return full.store.claim(full.nextHeldKey(), FINGERPRINT, NOW, LEASE);
	}

	/**
	 * The read of a record the full store holds.
	 * @param full the full store
	 * @return the record
	 */
	@Benchmark
	public IdempotencyRecord find(FullStore full) {
		return full.store.find(HELD_KEY, NOW).orElseThrow();
	}

	/** A store holding {@code fill} finished records in force, out of {@value #MAX_RECORDS}. */
	@State(Scope.Thread)
	public static class FilledStore {

		/** Records in force before measuring, out of {@value #MAX_RECORDS}. */
		@Param({ "0", "50000", "99999" })
		public int fill;

		final NewKeys newKeys = new NewKeys();

		InMemoryIdempotencyStore store;

		@Setup(Level.Trial)
		public void setUp() {
			this.store = filled(this.fill);
			StorageKey key = this.newKeys.next();
			if (!(this.store.claim(key, FINGERPRINT, NOW, LEASE) instanceof ClaimResult.Claimed claimed)
					|| !this.store.release(key, claimed.owner(), NOW) || this.store.size() != this.fill) {
				throw new IllegalStateException("A new key was not claimed and released at fill " + this.fill);
			}
		}

	}

	/** A store holding {@value #MAX_RECORDS} finished records in force, its bound. */
	@State(Scope.Thread)
	public static class FullStore {

		final NewKeys newKeys = new NewKeys();

		final StorageKey[] heldKeys = new StorageKey[NEW_KEY_COUNT];

		private int nextHeld;

		InMemoryIdempotencyStore store;

		@Setup(Level.Trial)
		public void setUp() {
			for (int i = 0; i < NEW_KEY_COUNT; i++) {
				this.heldKeys[i] = filledKey(i);
			}
			this.store = filled(MAX_RECORDS);
			try {
				this.store.claim(this.newKeys.next(), FINGERPRINT, NOW, LEASE);
				throw new IllegalStateException("The full store accepted a new key");
			}
			catch (IdempotencyStoreFullException expected) {
				// the refusal path is the one measured
			}
			if (!(this.store.claim(HELD_KEY, FINGERPRINT, NOW, LEASE) instanceof ClaimResult.Existing existing)
					|| existing.record().state() != RecordState.FINISHED_OK) {
				throw new IllegalStateException("The held key was not replayed");
			}
			if (!(this.store.claim(nextHeldKey(), FINGERPRINT, NOW, LEASE) instanceof ClaimResult.Existing)) {
				throw new IllegalStateException("A held key was not replayed");
			}
		}

		StorageKey nextHeldKey() {
			StorageKey key = this.heldKeys[this.nextHeld];
			this.nextHeld = (this.nextHeld + 1) & (NEW_KEY_COUNT - 1);
			return key;
		}

	}

	/** Storage keys the stores do not hold, hashed before measuring, taken in turn. */
	static final class NewKeys {

		private final StorageKey[] keys = new StorageKey[NEW_KEY_COUNT];

		private int next;

		NewKeys() {
			for (int i = 0; i < NEW_KEY_COUNT; i++) {
				this.keys[i] = key("new", i);
			}
		}

		StorageKey next() {
			StorageKey key = this.keys[this.next];
			this.next = (this.next + 1) & (NEW_KEY_COUNT - 1);
			return key;
		}

	}

	private static InMemoryIdempotencyStore filled(int records) {
		InMemoryIdempotencyStore filled = InMemoryIdempotencyStore.builder()
			.maxRecords(MAX_RECORDS)
			.maxBytes(Long.MAX_VALUE)
			.build();
		for (int i = 0; i < records; i++) {
			StorageKey key = filledKey(i);
			ClaimResult.Claimed claimed = (ClaimResult.Claimed) filled.claim(key, FINGERPRINT, NOW, LEASE);
			filled.complete(key, claimed.owner(), RecordState.FINISHED_OK, RESPONSE, NOW, RETENTION);
		}
		// records held for a while are in the old generation: the measurement must not copy them
		System.gc();
		return filled;
	}

	private static StorageKey filledKey(int i) {
		return (i == 0) ? HELD_KEY : key("filled", i);
	}

	private static StorageKey key(String kind, int i) {
		return IdempotencyKey.of("benchmark", kind, kind + "-" + i).storageKey();
	}

}
