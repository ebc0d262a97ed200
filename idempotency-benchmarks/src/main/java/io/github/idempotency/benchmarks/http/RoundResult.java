package io.github.idempotency.benchmarks.http;

import java.util.Arrays;

/**
 * One timed round: how many requests completed in how long, their latencies, and how many answered something else
 * than expected.
 *
 * @param requests completed requests
 * @param nanos length of the round
 * @param latenciesMicros latency of every completed request, sorted
 * @param unexpected requests answered with another status than {@code 201}, or a first request that replayed
 */
record RoundResult(long requests, long nanos, int[] latenciesMicros, long unexpected) {

	static RoundResult of(long requests, long nanos, int[] latenciesMicros, long unexpected) {
		int[] sorted = latenciesMicros.clone();
		Arrays.sort(sorted);
		return new RoundResult(requests, nanos, sorted, unexpected);
	}

	double perSecond() {
		return this.requests * 1e9 / this.nanos;
	}

}
