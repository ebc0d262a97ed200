package io.github.idempotency.benchmarks.http;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * Runs one timed round: a number of connections, each on its own thread, send requests back to back (closed loop)
 * for a fixed time.
 * <p>
 * A replay storm on a protected {@link Variant} may last longer than its key's record: every half of the records'
 * lifetime, a thread of the round sends the first request of a new key, and the senders move to it. Without that, the
 * replayed key would expire inside the round and its next request would execute again.
 * <p>
 * A unique key starts with 16 hex digits: random by default, as the random UUIDs most clients send spread their keys
 * over a store's index; or the connection's counter, as time-ordered keys (UUIDv7) add theirs at the index's end. After
 * them come the runner's id, the connection and the counter, so that no two keys are equal.
 */
final class LoadRound {

	/**
	 * How long the records of the bench paths live: {@code idempotency.endpoints.bench.ttl} of the sample app's
	 * {@code bench} profile (which its ideal paths use too) and the peer app's {@code duration}.
	 */
	static final Duration BENCH_RECORD_TTL = Duration.ofSeconds(3);

	private static final AtomicLong ROUNDS = new AtomicLong();

	private final String host;

	private final int port;

	private final Requests requests;

	private final String runId;

	private final boolean replaysMarked;

	private final long renewalMillis;

	private final boolean sequentialKeys;

	/** When each replayed key that {@link #prepare} sent and no round has used yet was first sent. */
	private final Map<String, Long> seededAt = new ConcurrentHashMap<>();

	private long lastReconnects;

	private int lastRenewals;

	LoadRound(String host, int port, String runId) {
		this(host, port, runId, true);
	}

	/**
	 * A round runner for an app that may not mark its replays.
	 * @param host the app's host
	 * @param port the app's port
	 * @param runId what every key of this runner holds
	 * @param replaysMarked whether the app marks a replay with {@code Idempotent-Replayed: true}; when it does not
	 * (another library), a protected path's {@code 201} counts as expected in both scenarios and the caller checks
	 * first requests and replays with the app's execution counter instead
	 */
	LoadRound(String host, int port, String runId, boolean replaysMarked) {
		this(host, port, runId, replaysMarked, BENCH_RECORD_TTL);
	}

	/**
	 * A round runner whose protected variants keep their records for a given time.
	 * @param host the app's host
	 * @param port the app's port
	 * @param runId what every key of this runner holds
	 * @param replaysMarked see {@link #LoadRound(String, int, String, boolean)}
	 * @param recordTtl how long a record of {@code /bench/idem} and {@code /bench/ideal} lives; a replay storm on
	 * them sends a new key every half of it
	 */
	LoadRound(String host, int port, String runId, boolean replaysMarked, Duration recordTtl) {
		this(host, port, runId, replaysMarked, recordTtl, false);
	}

	/**
	 * A round runner whose protected variants keep their records for a given time, with the unique keys in a
	 * given order.
	 * @param host the app's host
	 * @param port the app's port
	 * @param runId what every key of this runner holds
	 * @param replaysMarked see {@link #LoadRound(String, int, String, boolean)}
	 * @param recordTtl see {@link #LoadRound(String, int, String, boolean, Duration)}
	 * @param sequentialKeys whether the unique keys start with their connection's counter instead of random digits
	 */
	LoadRound(String host, int port, String runId, boolean replaysMarked, Duration recordTtl,
			boolean sequentialKeys) {
		this.host = host;
		this.port = port;
		this.requests = new Requests(host, port);
		this.runId = runId;
		this.replaysMarked = replaysMarked;
		this.renewalMillis = recordTtl.toMillis() / 2;
		this.sequentialKeys = sequentialKeys;
	}

	/**
	 * Runs a round.
	 * @param variant the path
	 * @param scenario the keys
	 * @param connections how many connections send at once
	 * @param millis how long the round lasts
	 * @return what it measured
	 * @throws Exception when a connection fails
	 */
	RoundResult run(Variant variant, Scenario scenario, int connections, long millis) throws Exception {
		return run(variant, scenario, connections, millis, prepare(variant, scenario));
	}

	/**
	 * Picks the keys of a round; for a replay storm, also sends the first request of its key, so that the round
	 * itself sends only replays.
	 * @param variant the path
	 * @param scenario the keys
	 * @return the round's key, or the prefix of its keys
	 * @throws Exception when the first request fails
	 */
	String prepare(Variant variant, Scenario scenario) throws Exception {
		return prepare(variant.path(), scenario);
	}

	/**
	 * Picks the keys of a round on any path, as {@link #prepare(Variant, Scenario)} does.
	 * @param path the path
	 * @param scenario the keys
	 * @return the round's key, or the prefix of its keys
	 * @throws Exception when the first request fails
	 */
	String prepare(String path, Scenario scenario) throws Exception {
		String roundKey = this.runId + "-" + ROUNDS.incrementAndGet();
		if (scenario == Scenario.REPLAY) {
			this.seededAt.put(roundKey, seed(path, roundKey));
		}
		return roundKey;
	}

	/**
	 * Sends the first request of a replayed key.
	 * @return when it was sent ({@link System#nanoTime()})
	 */
	private long seed(String path, String key) throws IOException {
		long sentAt = System.nanoTime();
		try (HttpConnection seed = new HttpConnection(this.host, this.port)) {
			int status = seed.send(this.requests.post(path, key));
			if (Math.abs(status) != 201) {
				throw new IllegalStateException("The replayed key's first request answered " + status);
			}
		}
		return sentAt;
	}

	/**
	 * Runs a round on keys picked by {@link #prepare}.
	 * @param variant the path
	 * @param scenario the keys
	 * @param connections how many connections send at once
	 * @param millis how long the round lasts
	 * @param roundKey what {@link #prepare} returned
	 * @return what it measured
	 * @throws Exception when a connection fails
	 */
	RoundResult run(Variant variant, Scenario scenario, int connections, long millis, String roundKey)
			throws Exception {
		IntPredicate expected;
		if (variant == Variant.PLAIN || !this.replaysMarked) {
			expected = (status) -> status == 201;
		}
		else {
			// a unique key must execute, a replayed key must replay
			expected = (scenario == Scenario.UNIQUE) ? (status) -> status == 201 : (status) -> status == -201;
		}
		long renewal = (variant == Variant.PLAIN) ? 0 : this.renewalMillis;
		return run(variant.path(), scenario, expected, connections, millis, roundKey, false, renewal);
	}

	/**
	 * Runs a round on any path, with the answer it must give.
	 * @param path the path
	 * @param scenario the keys
	 * @param expected whether a status is the expected answer (negative: replayed)
	 * @param connections how many connections send at once
	 * @param millis how long the round lasts
	 * @param roundKey what {@link #prepare} returned
	 * @return what it measured
	 * @throws Exception when a connection fails
	 */
	RoundResult run(String path, Scenario scenario, IntPredicate expected, int connections, long millis,
			String roundKey) throws Exception {
		return run(path, scenario, expected, connections, millis, roundKey, false);
	}

	/**
	 * Runs a round on any path, on keep-alive connections or with every request on a new connection.
	 * @param path the path
	 * @param scenario the keys
	 * @param expected whether a status is the expected answer (negative: replayed)
	 * @param connections how many connections send at once (each a sender thread)
	 * @param millis how long the round lasts
	 * @param roundKey what {@link #prepare} returned
	 * @param closeEach whether every request is sent on a new connection with {@code Connection: close}, so
	 * that every request pays for one connection, whatever its status (Tomcat closes after a 503 anyway)
	 * @return what it measured
	 * @throws Exception when a connection fails
	 */
	RoundResult run(String path, Scenario scenario, IntPredicate expected, int connections, long millis,
			String roundKey, boolean closeEach) throws Exception {
		return run(path, scenario, expected, connections, millis, roundKey, closeEach, 0);
	}

	private RoundResult run(String path, Scenario scenario, IntPredicate expected, int connections, long millis,
			String roundKey, boolean closeEach, long renewalMillis) throws Exception {
		Long seeded = this.seededAt.remove(roundKey);
		ReplayKey replayKey = new ReplayKey(path, roundKey, (seeded != null) ? seeded : System.nanoTime(),
				(scenario == Scenario.REPLAY) ? renewalMillis : 0);
		Worker[] workers = new Worker[connections];
		CountDownLatch ready = new CountDownLatch(connections);
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < connections; i++) {
			workers[i] = new Worker(path, scenario, expected, roundKey + "-" + i, replayKey, closeEach, ready,
					start);
			Thread thread = new Thread(workers[i], "load-" + i);
			thread.start();
			threads.add(thread);
		}
		ready.await();
		// starting the senders may have taken a while: a key due for renewal is renewed before the round
		replayKey.renewIfDue();
		long begin = System.nanoTime();
		long deadline = begin + millis * 1_000_000L;
		for (Worker worker : workers) {
			worker.deadline = deadline;
		}
		Thread renewer = replayKey.startRenewing(deadline);
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		if (renewer != null) {
			renewer.join();
			if (replayKey.failure != null) {
				throw replayKey.failure;
			}
		}
		this.lastRenewals = replayKey.renewals;
		long end = 0;
		long total = 0;
		long reconnects = 0;
		long unexpected = 0;
		int[] latencies = new int[0];
		for (Worker worker : workers) {
			if (worker.failure != null) {
				throw worker.failure;
			}
			end = Math.max(end, worker.finishedAt);
			total += worker.count;
			reconnects += worker.reconnects;
			unexpected += worker.unexpected;
			int offset = latencies.length;
			latencies = Arrays.copyOf(latencies, offset + worker.count);
			System.arraycopy(worker.latencies, 0, latencies, offset, worker.count);
		}
		this.lastReconnects = reconnects;
		return RoundResult.of(total, end - begin, latencies, unexpected);
	}

	/**
	 * The new connections the last round made because the server closed one after a response (a 503 on Tomcat,
	 * every response of a round that asked for {@code Connection: close}); in such a round, the first request's
	 * connection too.
	 * @return how many
	 */
	long lastReconnects() {
		return this.lastReconnects;
	}

	/**
	 * The first requests of new keys that the last replay storm sent so that its key would not expire inside it
	 * (each executes the handler once); 0 for other rounds.
	 * @return how many
	 */
	int lastRenewals() {
		return this.lastRenewals;
	}

	/**
	 * A unique key of a connection.
	 * @param sequential whether it starts with the counter rather than random digits
	 * @param connectionPrefix what the connection's keys hold
	 * @param count how many keys the connection sent before
	 * @return the key
	 */
	static String uniqueKey(boolean sequential, String connectionPrefix, int count) {
		// the top bit set: always 16 digits, so that both orders send keys of one length
		long digits = sequential ? count : ThreadLocalRandom.current().nextLong();
		return Long.toHexString(digits | Long.MIN_VALUE) + "-" + connectionPrefix + "-" + count;
	}

	/**
	 * The key a replay storm sends, renewed every {@code renewalMillis} after it was first sent (never when 0).
	 */
	private final class ReplayKey implements Runnable {

		private final String path;

		private final String roundKey;

		private final long renewalNanos;

		private long seededAt;

		private long deadline;

		volatile String current;

		volatile int renewals;

		volatile Exception failure;

		ReplayKey(String path, String roundKey, long seededAt, long renewalMillis) {
			this.path = path;
			this.roundKey = roundKey;
			this.current = roundKey;
			this.seededAt = seededAt;
			this.renewalNanos = renewalMillis * 1_000_000L;
		}

		void renewIfDue() throws IOException {
			if (this.renewalNanos > 0 && System.nanoTime() - (this.seededAt + this.renewalNanos) >= 0) {
				renew();
			}
		}

		Thread startRenewing(long deadline) {
			if (this.renewalNanos == 0) {
				return null;
			}
			this.deadline = deadline;
			Thread thread = new Thread(this, "replay-key-renewal");
			thread.start();
			return thread;
		}

		@Override
		public void run() {
			try {
				long next = this.seededAt + this.renewalNanos;
				while (next - this.deadline < 0) {
					long wait = next - System.nanoTime();
					if (wait > 0) {
						Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
					}
					renew();
					next = this.seededAt + this.renewalNanos;
				}
			}
			catch (IOException | InterruptedException | RuntimeException ex) {
				this.failure = ex;
			}
		}

		private void renew() throws IOException {
			String key = this.roundKey + "-r" + (this.renewals + 1);
			this.seededAt = seed(this.path, key);
			this.current = key;
			this.renewals++;
		}

	}

	private final class Worker implements Runnable {

		private final String path;

		private final Scenario scenario;

		private final IntPredicate expected;

		private final String keyPrefix;

		private final ReplayKey replayKey;

		private final boolean closeEach;

		private final CountDownLatch ready;

		private final CountDownLatch start;

		volatile long deadline;

		int[] latencies = new int[4096];

		int count;

		long unexpected;

		long finishedAt;

		long reconnects;

		Exception failure;

		Worker(String path, Scenario scenario, IntPredicate expected, String keyPrefix, ReplayKey replayKey,
				boolean closeEach, CountDownLatch ready, CountDownLatch start) {
			this.path = path;
			this.scenario = scenario;
			this.expected = expected;
			this.keyPrefix = keyPrefix;
			this.replayKey = replayKey;
			this.closeEach = closeEach;
			this.ready = ready;
			this.start = start;
		}

		@Override
		public void run() {
			HttpConnection connection = null;
			try {
				// with a new connection per request, the first one is opened in the round like every other
				connection = this.closeEach ? null : new HttpConnection(LoadRound.this.host, LoadRound.this.port);
				String replayed = this.replayKey.current;
				byte[] replay = LoadRound.this.requests.post(this.path, replayed, this.closeEach);
				this.ready.countDown();
				this.start.await();
				long deadline = this.deadline;
				long now = System.nanoTime();
				while (now - deadline < 0) {
					if (connection == null || connection.closedByServer()) {
						// as a client must after a 503, which Tomcat answers with Connection: close: the new
						// connection is part of the next request's time
						if (connection != null) {
							connection.close();
						}
						connection = new HttpConnection(LoadRound.this.host, LoadRound.this.port);
						this.reconnects++;
					}
					if (this.scenario == Scenario.REPLAY && this.replayKey.current != replayed) {
						replayed = this.replayKey.current;
						replay = LoadRound.this.requests.post(this.path, replayed, this.closeEach);
					}
					byte[] request = (this.scenario == Scenario.REPLAY) ? replay
							: LoadRound.this.requests.post(this.path,
									uniqueKey(LoadRound.this.sequentialKeys, this.keyPrefix, this.count),
									this.closeEach);
					int status = connection.send(request);
					long after = System.nanoTime();
					if (!this.expected.test(status)) {
						this.unexpected++;
					}
					if (this.count == this.latencies.length) {
						this.latencies = Arrays.copyOf(this.latencies, this.count * 2);
					}
					this.latencies[this.count++] = (int) Math.min(Integer.MAX_VALUE, (after - now) / 1000);
					now = after;
				}
				this.finishedAt = now;
			}
			catch (IOException | InterruptedException ex) {
				this.failure = ex;
				this.ready.countDown();
			}
			finally {
				if (connection != null) {
					try {
						connection.close();
					}
					catch (IOException ex) {
						// the round's figures are taken
					}
				}
			}
		}

	}

}
