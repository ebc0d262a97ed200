package io.github.idempotency.core.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;

/**
 * Many threads issue random operations on a few keys of a store whose expiry follows the {@code now} it is given,
 * and a checker looks for violations of the store's invariants.
 * <p>
 * <strong>Why the checker is sound under concurrency.</strong> It never assumes an order between operations that
 * the history does not prove:
 * <ul>
 * <li>Time moves in <em>phases</em>. Within a phase every operation passes the same {@code now}; between phases
 * all threads meet at a barrier, the checker runs while the store is quiescent, and only then does the clock
 * advance. So {@code now} never goes backwards along any linearization, and within a phase nothing expires:
 * records change only through operations.</li>
 * <li>Every operation takes a ticket from one global counter just before it calls the store ({@code invoked}) and
 * just after it returns ({@code responded}). When {@code a.responded < b.invoked}, {@code a} happened before
 * {@code b} in real time, so every linearization orders {@code a} first. The checker only uses such proven orders;
 * operations that overlap may linearize either way and are never held against the store.</li>
 * <li>Tokens are never reissued and completion bodies name the operation that wrote them, so every observed record
 * can be traced to the operation that must have written it, and that operation must have reported success.</li>
 * </ul>
 * The invariants:
 * <ol>
 * <li>At most one live owner per key: at each quiescent point at most one token is provably live (claimed, not
 * completed or released, lease deadline after now), and the stored record is exactly that owner's; a claim that
 * succeeds after another claim responded, while that owner's lease was surely alive and no completion or release
 * of it could have come first, is a violation.</li>
 * <li>A finished record never changes until it expires: every observation that starts after a successful
 * completion responded and before its retention ends shows exactly that completion, and no claim succeeds then.</li>
 * <li>No claim succeeds on a live record (the two checks above), and a claim never returns an expired record.</li>
 * <li>Fenced writes never change state: a write that a later claim superseded never succeeds, a write with a token
 * no claim handed out never succeeds, and every record observed was written by an operation that reported
 * success (a refused completion's body, a refused renewal's owner or deadline, never shows up).</li>
 * </ol>
 */
final class RandomizedStoreWorkload {

	static final Duration LEASE = Duration.ofSeconds(10);

	static final Duration RETENTION = Duration.ofSeconds(30);

	/** Clock steps between phases: none, within the lease, past the lease, past the retention. */
	private static final Duration[] STEPS = { Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1),
			Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(11), Duration.ofSeconds(31) };

	private static final RequestFingerprint[] FINGERPRINTS = { RequestFingerprint.of("a"), RequestFingerprint.of("b") };

	private static final int MAX_VIOLATIONS = 20;

	private final IdempotencyStore store;

	private final int threads;

	private final int phases;

	private final int operationsPerPhase;

	private final long seed;

	private final StorageKey[] keys;

	private final MutableClock clock = MutableClock.start();

	private final AtomicLong tickets = new AtomicLong();

	private final AtomicLong operationIds = new AtomicLong();

	private final ConcurrentLinkedQueue<Op> phaseOps = new ConcurrentLinkedQueue<>();

	private final List<List<OwnerToken>> issued = new ArrayList<>();

	private final KeyHistory[] histories;

	private final List<String> violations = new CopyOnWriteArrayList<>();

	private final Map<String, Integer> stats = new TreeMap<>();

	private volatile boolean stop;

	RandomizedStoreWorkload(IdempotencyStore store, int threads, int keys, int phases, int operationsPerPhase,
			long seed) {
		this.store = store;
		this.threads = threads;
		this.phases = phases;
		this.operationsPerPhase = operationsPerPhase;
		this.seed = seed;
		this.keys = new StorageKey[keys];
		this.histories = new KeyHistory[keys];
		for (int i = 0; i < keys; i++) {
			this.keys[i] = IdempotencyKey.of("randomized", "workload", seed + "-" + i).storageKey();
			this.histories[i] = new KeyHistory();
			this.issued.add(new CopyOnWriteArrayList<>());
		}
	}

	/**
	 * Runs the workload; stops early once violations were found.
	 * @return what the checker found
	 * @throws InterruptedException when interrupted
	 */
	Report run() throws InterruptedException {
		SplittableRandom clockSteps = new SplittableRandom(this.seed);
		CyclicBarrier barrier = new CyclicBarrier(this.threads, () -> {
			checkPhase();
			this.clock.advance(STEPS[clockSteps.nextInt(STEPS.length)]);
		});
		List<Thread> workers = new ArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		for (int t = 0; t < this.threads; t++) {
			SplittableRandom random = new SplittableRandom(this.seed * 31 + t);
			Thread worker = new Thread(() -> {
				OwnerToken[] latest = new OwnerToken[this.keys.length];
				try {
					for (int phase = 0; phase < this.phases && !this.stop; phase++) {
						for (int i = 0; i < this.operationsPerPhase; i++) {
							operate(random, latest);
						}
						barrier.await();
					}
				}
				catch (InterruptedException | BrokenBarrierException ex) {
					Thread.currentThread().interrupt();
				}
				catch (Throwable ex) {
					failures.add(ex);
					barrier.reset();
				}
			}, "workload-" + t);
			workers.add(worker);
			worker.start();
		}
		for (Thread worker : workers) {
			worker.join();
		}
		if (!failures.isEmpty()) {
			throw new IllegalStateException("A worker failed", failures.get(0));
		}
		return new Report(List.copyOf(this.violations), Map.copyOf(this.stats));
	}

	private void operate(SplittableRandom random, OwnerToken[] latest) {
		int key = random.nextInt(this.keys.length);
		StorageKey storageKey = this.keys[key];
		Instant now = this.clock.instant();
		long id = this.operationIds.incrementAndGet();
		int dice = random.nextInt(100);
		if (dice < 30) {
			RequestFingerprint fingerprint = FINGERPRINTS[random.nextInt(FINGERPRINTS.length)];
			long invoked = this.tickets.incrementAndGet();
			ClaimResult result = this.store.claim(storageKey, fingerprint, now, LEASE);
			long responded = this.tickets.incrementAndGet();
			if (result instanceof ClaimResult.Claimed claimed) {
				latest[key] = claimed.owner();
				this.issued.get(key).add(claimed.owner());
			}
			record(new Op(id, key, Kind.CLAIM, null, fingerprint, null, now, invoked, responded, result));
			return;
		}
		if (dice < 50) {
			long invoked = this.tickets.incrementAndGet();
			Optional<IdempotencyRecord> found = this.store.find(storageKey, now);
			long responded = this.tickets.incrementAndGet();
			record(new Op(id, key, Kind.FIND, null, null, null, now, invoked, responded, found));
			return;
		}
		OwnerToken token = pickToken(random, key, latest[key]);
		long invoked;
		boolean result;
		Kind kind;
		RecordState state = null;
		if (dice < 68) {
			kind = Kind.COMPLETE;
			state = random.nextBoolean() ? RecordState.FINISHED_OK : RecordState.FINISHED_ERROR;
			StoredResponse response = StoredResponse.of(200, Map.of(), Long.toString(id).getBytes(StandardCharsets.US_ASCII));
			invoked = this.tickets.incrementAndGet();
			result = this.store.complete(storageKey, token, state, response, now, RETENTION);
		}
		else if (dice < 80) {
			kind = Kind.RELEASE;
			invoked = this.tickets.incrementAndGet();
			result = this.store.release(storageKey, token, now);
		}
		else {
			kind = Kind.RENEW;
			invoked = this.tickets.incrementAndGet();
			result = this.store.renew(storageKey, token, now, LEASE);
		}
		long responded = this.tickets.incrementAndGet();
		record(new Op(id, key, kind, token, null, state, now, invoked, responded, result));
	}

	/** Mostly this thread's latest token, sometimes any token ever issued (often stale), sometimes a forged one. */
	private OwnerToken pickToken(SplittableRandom random, int key, OwnerToken latest) {
		int dice = random.nextInt(10);
		List<OwnerToken> all = this.issued.get(key);
		if (dice < 7 && latest != null) {
			return latest;
		}
		if (dice < 9 && !all.isEmpty()) {
			return all.get(random.nextInt(all.size()));
		}
		return OwnerToken.random();
	}

	private void record(Op op) {
		this.phaseOps.add(op);
	}

	/** Runs in the barrier action: every worker waits, so the store is quiescent and the phase's history complete. */
	private void checkPhase() {
		Map<Integer, List<Op>> byKey = new HashMap<>();
		for (Op op; (op = this.phaseOps.poll()) != null;) {
			byKey.computeIfAbsent(op.key(), (k) -> new ArrayList<>()).add(op);
		}
		Instant now = this.clock.instant();
		for (int key = 0; key < this.keys.length; key++) {
			List<Op> ops = byKey.getOrDefault(key, List.of());
			this.histories[key].check(key, ops, now, this.store.find(this.keys[key], now));
		}
		if (!this.violations.isEmpty()) {
			this.stop = true;
		}
	}

	private void violation(int key, String message) {
		if (this.violations.size() < MAX_VIOLATIONS) {
			this.violations.add("key " + key + " at " + this.clock.instant() + ": " + message);
		}
	}

	private void count(String what) {
		this.stats.merge(what, 1, Integer::sum);
	}

	enum Kind {

		CLAIM, COMPLETE, RELEASE, RENEW, FIND

	}

	record Op(long id, int key, Kind kind, OwnerToken token, RequestFingerprint fingerprint, RecordState state,
			Instant now, long invoked, long responded, Object result) {

		boolean succeeded() {
			return Boolean.TRUE.equals(this.result) || this.result instanceof ClaimResult.Claimed;
		}

		OwnerToken claimedToken() {
			return ((ClaimResult.Claimed) this.result).owner();
		}

		Optional<IdempotencyRecord> observed() {
			if (this.result instanceof ClaimResult.Existing existing) {
				return Optional.of(existing.record());
			}
			if (this.kind == Kind.FIND) {
				@SuppressWarnings("unchecked")
				Optional<IdempotencyRecord> found = (Optional<IdempotencyRecord>) this.result;
				return found;
			}
			return null;
		}

		@Override
		public String toString() {
			return this.kind + "#" + this.id + "(now=" + this.now + ", token=" + this.token + ", tickets="
					+ this.invoked + ".." + this.responded + ") -> " + this.result;
		}

	}

	record Report(List<String> violations, Map<String, Integer> stats) {
	}

	/** What the checker knows about one key, accumulated over the phases. */
	private final class KeyHistory {

		private final Map<OwnerToken, Op> claims = new HashMap<>();

		private final Map<OwnerToken, Instant> deadlines = new HashMap<>();

		private final Map<OwnerToken, List<Op>> endings = new HashMap<>();

		private final List<Op> completions = new ArrayList<>();

		private final Map<Long, Op> completionsById = new HashMap<>();

		void check(int key, List<Op> ops, Instant now, Optional<IdempotencyRecord> quiescent) {
			List<Op> newClaims = new ArrayList<>();
			List<Op> writes = new ArrayList<>();
			for (Op op : ops) {
				if (op.kind() == Kind.CLAIM && op.succeeded()) {
					ClaimResult.Claimed claimed = (ClaimResult.Claimed) op.result();
					if (this.claims.putIfAbsent(claimed.owner(), op) != null) {
						violation(key, "a token was handed out twice: " + op);
					}
					if (!claimed.leaseDeadline().equals(op.now().plus(LEASE))) {
						violation(key, "a claim's deadline is not now + lease: " + op);
					}
					this.deadlines.put(claimed.owner(), claimed.leaseDeadline());
					newClaims.add(op);
					count(claimed.tookOver() ? "takeovers" : "claims");
				}
				else if (op.kind() == Kind.COMPLETE) {
					this.completionsById.put(op.id(), op);
				}
			}
			for (Op op : ops) {
				if (op.kind() == Kind.CLAIM || op.kind() == Kind.FIND) {
					continue;
				}
				if (!op.succeeded()) {
					count("fenced writes");
					continue;
				}
				writes.add(op);
				count("applied " + op.kind().name().toLowerCase());
				if (!this.claims.containsKey(op.token())) {
					violation(key, "a write with a token no claim handed out succeeded: " + op);
					continue;
				}
				if (op.kind() == Kind.RENEW) {
					this.deadlines.merge(op.token(), op.now().plus(LEASE), (a, b) -> a.isAfter(b) ? a : b);
				}
				else {
					this.endings.computeIfAbsent(op.token(), (t) -> new ArrayList<>()).add(op);
					if (op.kind() == Kind.COMPLETE) {
						this.completions.add(op);
					}
				}
			}
			checkSupersededWrites(key, writes);
			checkClaims(key, newClaims);
			for (Op op : ops) {
				Optional<IdempotencyRecord> observed = op.observed();
				if (observed != null) {
					checkObservation(key, op, observed);
				}
			}
			checkQuiescent(key, now, quiescent);
		}

		/** A write by X that starts after a claim by Y, itself after X's claim, must have been fenced. */
		private void checkSupersededWrites(int key, List<Op> writes) {
			for (Op write : writes) {
				Op ownClaim = this.claims.get(write.token());
				if (ownClaim == null) {
					continue;
				}
				for (Op later : this.claims.values()) {
					if (later != ownClaim && ownClaim.responded() < later.invoked()
							&& later.responded() < write.invoked()) {
						violation(key, "a superseded owner's write succeeded: " + write + " after " + later);
					}
				}
			}
		}

		private void checkClaims(int key, List<Op> newClaims) {
			for (Op claim : newClaims) {
				for (Op earlier : this.claims.values()) {
					if (earlier == claim || earlier.responded() >= claim.invoked()) {
						continue;
					}
					OwnerToken earlierOwner = earlier.claimedToken();
					boolean endedFirst = this.endings.getOrDefault(earlierOwner, List.of())
						.stream()
						.anyMatch((ending) -> ending.invoked() < claim.responded());
					if (!endedFirst && claim.now().isBefore(earlier.now().plus(LEASE))) {
						violation(key, "a claim succeeded while another owner's lease was alive: " + claim
								+ " while " + earlier);
					}
				}
				for (Op completion : this.completions) {
					if (completion.responded() < claim.invoked()
							&& claim.now().isBefore(completion.now().plus(RETENTION))) {
						violation(key, "a claim succeeded on a finished record: " + claim + " after " + completion);
					}
				}
			}
		}

		private void checkObservation(int key, Op op, Optional<IdempotencyRecord> observed) {
			if (observed.isPresent()) {
				IdempotencyRecord record = observed.get();
				if (!record.isLiveAt(op.now())) {
					violation(key, "an expired record was returned: " + op);
				}
				if (record.state() == RecordState.ONGOING) {
					Op claim = this.claims.get(record.owner());
					if (claim == null) {
						violation(key, "a record is owned by a token no claim handed out: " + op);
					}
					else if (!record.fingerprint().equals(claim.fingerprint())
							|| record.expiresAt().isBefore(claim.now().plus(LEASE))
							|| record.expiresAt().isAfter(this.deadlines.get(record.owner()))) {
						violation(key, "an ongoing record shows what no successful claim or renewal wrote: " + op);
					}
				}
				else {
					Op writer = this.completionsById.get(Long.parseLong(new String(record.response().body(),
							StandardCharsets.US_ASCII)));
					if (writer == null || !writer.succeeded()) {
						violation(key, "a record shows a completion that reported it was refused: " + op + " written by "
								+ writer);
					}
					else if (writer.state() != record.state()
							|| !record.expiresAt().equals(writer.now().plus(RETENTION))
							|| !record.fingerprint().equals(this.claims.get(writer.token()).fingerprint())) {
						violation(key, "a finished record differs from the completion that wrote it: " + op);
					}
				}
			}
			for (Op completion : this.completions) {
				if (completion.responded() < op.invoked() && op.now().isBefore(completion.now().plus(RETENTION))
						&& !showsCompletion(observed, completion)) {
					violation(key, "a finished record changed before it expired: " + op + " after " + completion);
				}
			}
		}

		private boolean showsCompletion(Optional<IdempotencyRecord> observed, Op completion) {
			return observed.isPresent() && observed.get().state().isFinished() && new String(
					observed.get().response().body(), StandardCharsets.US_ASCII).equals(Long.toString(completion.id()));
		}

		private void checkQuiescent(int key, Instant now, Optional<IdempotencyRecord> found) {
			Set<OwnerToken> live = new HashSet<>();
			for (OwnerToken token : this.claims.keySet()) {
				if (!this.endings.containsKey(token) && this.deadlines.get(token).isAfter(now)) {
					live.add(token);
				}
			}
			List<Op> liveCompletions = this.completions.stream()
				.filter((completion) -> completion.now().plus(RETENTION).isAfter(now))
				.toList();
			if (live.size() > 1) {
				violation(key, "more than one live owner: " + live);
				return;
			}
			if (!live.isEmpty() && !liveCompletions.isEmpty()) {
				violation(key, "a live owner and a finished record at once: " + live + ", " + liveCompletions);
				return;
			}
			if (liveCompletions.size() > 1) {
				violation(key, "more than one finished record in force: " + liveCompletions);
				return;
			}
			if (!live.isEmpty()) {
				OwnerToken owner = live.iterator().next();
				boolean matches = found.isPresent() && found.get().state() == RecordState.ONGOING
						&& found.get().owner().equals(owner)
						&& found.get().expiresAt().equals(this.deadlines.get(owner))
						&& found.get().fingerprint().equals(this.claims.get(owner).fingerprint());
				if (!matches) {
					violation(key, "the live owner " + owner + " until " + this.deadlines.get(owner)
							+ " does not hold the record: " + found);
				}
			}
			else if (!liveCompletions.isEmpty()) {
				if (!showsCompletion(found, liveCompletions.get(0))) {
					violation(key, "the finished record of " + liveCompletions.get(0) + " is gone: " + found);
				}
			}
			else if (found.isPresent()) {
				violation(key, "a record nobody wrote is in force: " + found.get());
			}
		}

	}

}
