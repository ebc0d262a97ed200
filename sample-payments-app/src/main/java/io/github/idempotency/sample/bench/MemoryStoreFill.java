package io.github.idempotency.sample.bench;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStoreFullException;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fills the memory store with finished records in force, and empties it of them again, straight through the store:
 * {@code scripts/bench.sh --memory-fill} measures first requests on an empty and on a nearly full store, and the 503
 * of a full one, and filling through HTTP would take longer than the measurement. Exists only in the {@code bench}
 * profile with the memory store: {@code /bench/**} is not secured in that profile.
 * <p>
 * The records are under keys no request can send, each with its own owner, and hold a response of the size of the
 * bench receipt for an hour. After filling and after emptying, a collection runs, so that the records measured
 * against are in the old generation, as those of a store full for a while are, and no collection of the measured
 * rounds copies them.
 */
@RestController
@Profile("bench")
@ConditionalOnProperty(name = "idempotency.store", havingValue = "memory")
class MemoryStoreFill {

	private static final Duration LEASE = Duration.ofMinutes(1);

	private static final Duration RETENTION = Duration.ofHours(1);

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/bench/fill", "{}");

	private static final StoredResponse RESPONSE = StoredResponse.of(201,
			Map.of("Content-Type", List.of("application/json")),
			"{\"id\":\"00000000-0000-0000-0000-000000000000\",\"sku\":\"BOOK-1\",\"qty\":2,\"status\":\"CONFIRMED\"}"
				.getBytes(StandardCharsets.US_ASCII));

	private final InMemoryIdempotencyStore store;

	private final Clock clock;

	private final List<StorageKey> filled = new ArrayList<>();

	private long serial;

	MemoryStoreFill(InMemoryIdempotencyStore store, ObjectProvider<Clock> clock) {
		this.store = store;
		this.clock = clock.getIfUnique(Clock::systemUTC);
	}

	/**
	 * Adds records until {@code records} of them are held (or the store refuses one).
	 * @param records how many fill records the store should hold
	 * @return the state afterwards
	 */
	@PostMapping("/bench/memory/fill")
	synchronized Map<String, Object> fill(@RequestParam int records) {
		long start = System.nanoTime();
		Instant now = this.clock.instant();
		int added = 0;
		while (this.filled.size() < records) {
			StorageKey key = IdempotencyKey.of("bench-fill", "fill", "fill-" + this.serial++).storageKey();
			ClaimResult.Claimed claimed;
			try {
				claimed = (ClaimResult.Claimed) this.store.claim(key, FINGERPRINT, now, LEASE);
			}
			catch (IdempotencyStoreFullException full) {
				break;
			}
			this.store.complete(key, claimed.owner(), RecordState.FINISHED_OK, RESPONSE, now, RETENTION);
			this.filled.add(key);
			added++;
		}
		System.gc();
		Map<String, Object> state = state();
		state.put("changed", added);
		state.put("millis", (System.nanoTime() - start) / 1_000_000);
		return state;
	}

	/**
	 * Deletes every record {@link #fill} added.
	 * @return the state afterwards
	 */
	@PostMapping("/bench/memory/drain")
	synchronized Map<String, Object> drain() {
		long start = System.nanoTime();
		int removed = 0;
		for (StorageKey key : this.filled) {
			if (this.store.delete(key)) {
				removed++;
			}
		}
		this.filled.clear();
		System.gc();
		Map<String, Object> state = state();
		state.put("changed", removed);
		state.put("millis", (System.nanoTime() - start) / 1_000_000);
		return state;
	}

	/**
	 * Removes the expired records at once, as the store otherwise does a few per claim.
	 * @return the state afterwards
	 */
	@PostMapping("/bench/memory/purge")
	synchronized Map<String, Object> purge() {
		int removed = this.store.purgeExpired(this.clock.instant());
		Map<String, Object> state = state();
		state.put("changed", removed);
		return state;
	}

	/**
	 * What the store holds: {@code size}, {@code filled} (of them, added by {@link #fill}), {@code maxRecords},
	 * {@code bytes} and {@code refused} (claims refused since start-up).
	 * @return the state
	 */
	@GetMapping("/bench/memory")
	synchronized Map<String, Object> state() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("size", this.store.size());
		state.put("filled", this.filled.size());
		state.put("maxRecords", this.store.maxRecords());
		state.put("bytes", this.store.bytesHeld());
		state.put("refused", this.store.refusedClaims());
		return state;
	}

}
