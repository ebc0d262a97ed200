package io.github.idempotency.benchmarks.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * Runs one timed round: a number of connections, each on its own thread, send requests back to back (closed loop)
 * for a fixed time.
 */
final class LoadRound {

	private static final AtomicLong ROUNDS = new AtomicLong();

	private final String host;

	private final int port;

	private final Requests requests;

	private final String runId;

	private final boolean replaysMarked;

	private long lastReconnects;

	LoadRound(String host, int port, String runId) {
		this(host, port, runId, true);
	}

	/**
	 * A round runner for an app that may not mark its replays.
	 * @param host the app's host
	 * @param port the app's port
	 * @param runId what every key of this runner starts with
	 * @param replaysMarked whether the app marks a replay with {@code Idempotent-Replayed: true}; when it does not
	 * (another library), a protected path's {@code 201} counts as expected in both scenarios and the caller checks
	 * first requests and replays with the app's execution counter instead
	 */
	LoadRound(String host, int port, String runId, boolean replaysMarked) {
		this.host = host;
		this.port = port;
		this.requests = new Requests(host, port);
		this.runId = runId;
		this.replaysMarked = replaysMarked;
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
			try (HttpConnection seed = new HttpConnection(this.host, this.port)) {
				int status = seed.send(this.requests.post(path, roundKey));
				if (Math.abs(status) != 201) {
					throw new IllegalStateException("The replayed key's first request answered " + status);
				}
			}
		}
		return roundKey;
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
		return run(variant.path(), scenario, expected, connections, millis, roundKey);
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
		Worker[] workers = new Worker[connections];
		CountDownLatch ready = new CountDownLatch(connections);
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < connections; i++) {
			workers[i] = new Worker(path, scenario, expected, roundKey + "-" + i, closeEach, ready, start);
			Thread thread = new Thread(workers[i], "load-" + i);
			thread.start();
			threads.add(thread);
		}
		ready.await();
		long begin = System.nanoTime();
		long deadline = begin + millis * 1_000_000L;
		for (Worker worker : workers) {
			worker.deadline = deadline;
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
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

	private final class Worker implements Runnable {

		private final String path;

		private final Scenario scenario;

		private final IntPredicate expected;

		private final String keyPrefix;

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

		Worker(String path, Scenario scenario, IntPredicate expected, String keyPrefix, boolean closeEach,
				CountDownLatch ready, CountDownLatch start) {
			this.path = path;
			this.scenario = scenario;
			this.expected = expected;
			this.keyPrefix = keyPrefix;
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
				byte[] replay = LoadRound.this.requests.post(this.path,
						this.keyPrefix.substring(0, this.keyPrefix.lastIndexOf('-')), this.closeEach);
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
					byte[] request = (this.scenario == Scenario.REPLAY) ? replay
							: LoadRound.this.requests.post(this.path, this.keyPrefix + "-" + this.count,
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
