package io.github.idempotency.core.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.jspecify.annotations.Nullable;
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
 * The in-memory store keeps records in a form of its own (expiry as numbers) and decides each operation on it; the
 * state machine is the reference. Random sequences of every operation, in both the {@link Instant} forms and the
 * millisecond forms the executor calls, with times and durations down to the nanosecond so that expiries are crossed
 * by one nanosecond either way, must get the same answers from both.
 */
class InMemoryStoreAgreesWithStateMachineTest {

	private static final Instant START = Instant.parse("2026-01-01T00:00:00.999999990Z");

	private static final RequestFingerprint[] FINGERPRINTS = { RequestFingerprint.of("POST", "/a", ""),
			RequestFingerprint.of("POST", "/b", "") };

	private static final StoredResponse[] RESPONSES = {
			StoredResponse.of(201, Map.of(), "created".getBytes(StandardCharsets.UTF_8)),
			StoredResponse.of(500, Map.of("Retry-After", List.of("1")), new byte[0]) };

	@Test
	void everyOperationAnswersAsTheStateMachine() {
		for (long seed = 0; seed < 20; seed++) {
			new Run(seed).run(1_500);
		}
	}

	private static final class Run {

		private final Random random;

		private final long seed;

		private final InMemoryIdempotencyStore memory = new InMemoryIdempotencyStore();

		// the state machine applied one operation at a time: correct when nothing runs concurrently
		private final ReadThenWriteStore model = new ReadThenWriteStore();

		private final StorageKey[] keys = new StorageKey[3];

		// the tokens both stores handed out for the same claim, at the same index
		private final List<OwnerToken> memoryTokens = new ArrayList<>();

		private final List<OwnerToken> modelTokens = new ArrayList<>();

		private final Map<Integer, Integer> latestToken = new HashMap<>();

		private final Map<Integer, IdempotencyRecord[]> lastSeen = new HashMap<>();

		private final Map<String, Integer> counts = new HashMap<>();

		// the expiries written so far: time is often moved to one of them, or a nanosecond before, to cross it exactly
		private final List<Instant> expiries = new ArrayList<>();

		private Instant now = START;

		Run(long seed) {
			this.seed = seed;
			this.random = new Random(seed);
			for (int i = 0; i < this.keys.length; i++) {
				this.keys[i] = IdempotencyKey.of("agree", "test", "key-" + i).storageKey();
			}
		}

		void run(int steps) {
			for (int step = 0; step < steps; step++) {
				advance();
				int key = this.random.nextInt(this.keys.length);
				String what = step(key);
				Optional<IdempotencyRecord> expected = this.model.find(this.keys[key], this.now);
				assertSameRecord(this.memory.find(this.keys[key], this.now), expected,
						"find after " + what + " at step " + step + " of seed " + this.seed);
				expected.ifPresent((record) -> this.expiries.add(record.expiresAt()));
			}
			// not vacuous: every outcome of every operation was reached
			assertThat(this.counts).as("outcomes of seed " + this.seed)
				.containsKeys("claim true", "claim false", "complete true", "complete false", "release true",
						"release false", "renew true", "renew false", "takeover");
		}

		private void advance() {
			if (!this.expiries.isEmpty() && this.random.nextInt(3) == 0) {
				// one of the latest, most of which are still ahead
				int latest = Math.max(0, this.expiries.size() - 8);
				Instant expiry = this.expiries.get(latest + this.random.nextInt(this.expiries.size() - latest));
				Instant target = this.random.nextBoolean() ? expiry : expiry.minusNanos(1);
				if (target.isAfter(this.now)) {
					this.now = target;
					return;
				}
			}
			switch (this.random.nextInt(4)) {
				case 0 -> this.now = this.now.plusNanos(1 + this.random.nextInt(3));
				case 1 -> this.now = this.now.plusMillis(this.random.nextInt(40));
				case 2 -> this.now = this.now.plusNanos(this.random.nextInt(80_000_000));
				default -> this.now = this.now.plusMillis(1);
			}
		}

		private String step(int key) {
			StorageKey storageKey = this.keys[key];
			boolean inMillis = this.random.nextBoolean();
			if (inMillis && this.now.getNano() % 1_000_000 != 0) {
				// the executor's forms are called with whole milliseconds, as its clock reads them; time never goes
				// back, or the memory store's removal of what expired at a later time would show
				this.now = Instant.ofEpochMilli(this.now.toEpochMilli() + 1);
			}
			long nowMillis = this.now.toEpochMilli();
			Instant modelNow = this.now;
			switch (this.random.nextInt(8)) {
				case 0, 1 -> {
					RequestFingerprint fingerprint = FINGERPRINTS[this.random.nextInt(FINGERPRINTS.length)];
					Duration lease = duration(100);
					ClaimResult fromMemory = inMillis ? this.memory.claim(storageKey, fingerprint, nowMillis, lease)
							: this.memory.claim(storageKey, fingerprint, this.now, lease);
					ClaimResult fromModel = this.model.claim(storageKey, fingerprint, modelNow, lease);
					assertThat(fromMemory.getClass()).as(at("claim")).isEqualTo(fromModel.getClass());
					if (fromMemory instanceof ClaimResult.Claimed claimed) {
						ClaimResult.Claimed expected = (ClaimResult.Claimed) fromModel;
						this.expiries.add(expected.leaseDeadline());
						assertThat(claimed.leaseDeadline()).as(at("lease deadline")).isEqualTo(expected.leaseDeadline());
						if (claimed.tookOver()) {
							assertThat(expected.tookOver()).as(at("took over")).isTrue();
						}
						// else the memory store may have removed the expired lease already: a new key, as documented
						this.memoryTokens.add(claimed.owner());
						this.modelTokens.add(expected.owner());
						this.latestToken.put(key, this.memoryTokens.size() - 1);
						count("claim true");
						if (claimed.tookOver()) {
							count("takeover");
						}
					}
					else {
						assertSameRecord(Optional.of(((ClaimResult.Existing) fromMemory).record()),
								Optional.of(((ClaimResult.Existing) fromModel).record()), at("existing record"));
						count("claim false");
					}
					return "claim";
				}
				case 2, 3 -> {
					int token = token(key);
					if (token < 0) {
						return "nothing";
					}
					RecordState state = this.random.nextBoolean() ? RecordState.FINISHED_OK : RecordState.FINISHED_ERROR;
					StoredResponse response = RESPONSES[this.random.nextInt(RESPONSES.length)];
					Duration retention = duration(200);
					boolean fromMemory = inMillis
							? this.memory.complete(storageKey, this.memoryTokens.get(token), state, response, nowMillis,
									retention)
							: this.memory.complete(storageKey, this.memoryTokens.get(token), state, response, this.now,
									retention);
					boolean fromModel = this.model.complete(storageKey, this.modelTokens.get(token), state, response,
							modelNow, retention);
					return compare("complete", fromMemory, fromModel);
				}
				case 4 -> {
					int token = token(key);
					if (token < 0) {
						return "nothing";
					}
					return compare("release", this.memory.release(storageKey, this.memoryTokens.get(token), this.now),
							this.model.release(storageKey, this.modelTokens.get(token), this.now));
				}
				case 5 -> {
					int token = token(key);
					if (token < 0) {
						return "nothing";
					}
					Duration lease = duration(100);
					return compare("renew",
							this.memory.renew(storageKey, this.memoryTokens.get(token), this.now, lease),
							this.model.renew(storageKey, this.modelTokens.get(token), this.now, lease));
				}
				case 6 -> {
					Optional<IdempotencyRecord> fromMemory = this.memory.find(storageKey, this.now);
					Optional<IdempotencyRecord> fromModel = this.model.find(storageKey, this.now);
					assertSameRecord(fromMemory, fromModel, at("find"));
					if (fromMemory.isPresent()) {
						this.lastSeen.put(key, new IdempotencyRecord[] { fromMemory.get(), fromModel.get() });
					}
					return "find";
				}
				default -> {
					IdempotencyRecord[] seen = this.lastSeen.get(key);
					if (seen == null) {
						return "nothing";
					}
					return compare("delete if unchanged", this.memory.deleteIfUnchanged(storageKey, seen[0], this.now),
							this.model.deleteIfUnchanged(storageKey, seen[1], this.now));
				}
			}
		}

		/** A duration around {@code millis}, with nanoseconds, so that expiries fall between milliseconds too. */
		private Duration duration(int millis) {
			return Duration.ofMillis(millis / 2 + this.random.nextInt(millis)).plusNanos(this.random.nextInt(1_000_000));
		}

		/** The latest token of the key mostly, any token handed out otherwise: a stale owner's. */
		private int token(int key) {
			if (this.memoryTokens.isEmpty()) {
				return -1;
			}
			Integer latest = this.latestToken.get(key);
			return (latest != null && this.random.nextInt(4) != 0) ? latest
					: this.random.nextInt(this.memoryTokens.size());
		}

		private String compare(String operation, boolean fromMemory, boolean fromModel) {
			assertThat(fromMemory).as(at(operation)).isEqualTo(fromModel);
			count(operation + " " + fromMemory);
			return operation;
		}

		private void assertSameRecord(Optional<IdempotencyRecord> fromMemory, Optional<IdempotencyRecord> fromModel,
				String description) {
			assertThat(fromMemory.isPresent()).as(description).isEqualTo(fromModel.isPresent());
			if (fromMemory.isEmpty()) {
				return;
			}
			IdempotencyRecord actual = fromMemory.get();
			IdempotencyRecord expected = fromModel.get();
			assertThat(actual.state()).as(description).isEqualTo(expected.state());
			assertThat(actual.fingerprint()).as(description).isEqualTo(expected.fingerprint());
			assertThat(actual.response()).as(description).isEqualTo(expected.response());
			assertThat(actual.expiresAt()).as(description).isEqualTo(expected.expiresAt());
			assertThat(actual.awaitingResponseUntil()).as(description).isEqualTo(expected.awaitingResponseUntil());
			assertThat(indexOf(this.memoryTokens, actual.owner())).as(description)
				.isEqualTo(indexOf(this.modelTokens, expected.owner()));
		}

		private static int indexOf(List<OwnerToken> tokens, @Nullable OwnerToken token) {
			return (token != null) ? tokens.indexOf(token) : -1;
		}

		private String at(String what) {
			return what + " at " + this.now + " with seed " + this.seed;
		}

		private void count(String outcome) {
			this.counts.merge(outcome, 1, Integer::sum);
		}

	}

}
