package io.github.idempotency.benchmarks.http;

import java.util.concurrent.CyclicBarrier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-execution gate: {@code n} connections send the same new key at the same moment, trial after trial, and
 * every key must have run the handler exactly once. Two independent checks: each trial has exactly one response that
 * executed (a {@code 201} without {@code Idempotent-Replayed}; the others replay or get {@code 409}), and the
 * server's execution counter grew by exactly the number of trials.
 */
final class DuplicateBurst {

	private static final Pattern EXECUTIONS = Pattern.compile("\"executions\"\\s*:\\s*(\\d+)");

	private final String host;

	private final int port;

	private final Requests requests;

	private final String runId;

	private final String store;

	DuplicateBurst(String host, int port, String runId, String store) {
		this.host = host;
		this.port = port;
		this.requests = new Requests(host, port);
		this.runId = runId;
		this.store = store;
	}

	/**
	 * Runs the trials.
	 * @param variant {@link Variant#IDEM} or {@link Variant#IDEAL}
	 * @param n concurrent duplicates per key
	 * @param trials how many keys
	 * @return what the trials answered
	 * @throws Exception when a connection fails
	 */
	Outcome run(Variant variant, int n, int trials) throws Exception {
		int[][] statuses = new int[trials][n];
		CyclicBarrier barrier = new CyclicBarrier(n);
		Thread[] threads = new Thread[n];
		Exception[] failures = new Exception[n];
		String keyPrefix = this.runId + "-dup-" + variant.label() + "-" + n + "-";
		long before = executions();
		long begin = System.nanoTime();
		for (int i = 0; i < n; i++) {
			int index = i;
			threads[i] = new Thread(() -> {
				try (HttpConnection connection = new HttpConnection(this.host, this.port)) {
					for (int trial = 0; trial < trials; trial++) {
						byte[] request = this.requests.post(variant, keyPrefix + trial);
						barrier.await();
						statuses[trial][index] = connection.send(request);
					}
				}
				catch (Exception ex) {
					failures[index] = ex;
					barrier.reset();
				}
			}, "duplicate-" + i);
			threads[i].start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		long nanos = System.nanoTime() - begin;
		for (Exception failure : failures) {
			if (failure != null) {
				throw failure;
			}
		}
		long executed = 0;
		long replayed = 0;
		long conflicts = 0;
		long other = 0;
		int trialsNotOnce = 0;
		for (int[] trial : statuses) {
			int executedHere = 0;
			for (int status : trial) {
				if (status == 201) {
					executedHere++;
				}
				else if (status == -201) {
					replayed++;
				}
				else if (status == 409) {
					conflicts++;
				}
				else {
					other++;
				}
			}
			executed += executedHere;
			if (executedHere != 1) {
				trialsNotOnce++;
			}
		}
		long handlerRuns = executions() - before;
		return new Outcome(this.store, variant, n, trials, executed, replayed, conflicts, other, trialsNotOnce, handlerRuns,
				nanos);
	}

	private long executions() throws Exception {
		try (HttpConnection connection = new HttpConnection(this.host, this.port)) {
			Matcher matcher = EXECUTIONS.matcher(connection.fetch(this.requests.get("/bench/executions")));
			if (!matcher.find()) {
				throw new IllegalStateException("/bench/executions did not answer a count");
			}
			return Long.parseLong(matcher.group(1));
		}
	}

	/**
	 * What one set of trials answered.
	 *
	 * @param store the store
	 * @param variant the path
	 * @param n concurrent duplicates per key
	 * @param trials keys
	 * @param executed responses that executed
	 * @param replayed responses that replayed
	 * @param conflicts {@code 409} responses
	 * @param other any other response
	 * @param trialsNotOnce keys whose trial did not have exactly one executed response
	 * @param handlerRuns how much the server's execution counter grew
	 * @param nanos how long the trials took
	 */
	record Outcome(String store, Variant variant, int n, int trials, long executed, long replayed, long conflicts,
			long other, int trialsNotOnce, long handlerRuns, long nanos) {

		boolean oncePerKey() {
			return this.trialsNotOnce == 0 && this.handlerRuns == this.trials && this.other == 0;
		}

		double executionsPerKey() {
			return (double) this.handlerRuns / this.trials;
		}

	}

}
