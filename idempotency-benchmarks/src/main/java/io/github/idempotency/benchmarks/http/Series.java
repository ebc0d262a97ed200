package io.github.idempotency.benchmarks.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The measured rounds of one store, scenario, connection count and variant.
 */
final class Series {

	private final List<RoundResult> rounds = new ArrayList<>();

	void add(RoundResult round) {
		this.rounds.add(round);
	}

	double medianPerSecond() {
		double[] rates = this.rounds.stream().mapToDouble(RoundResult::perSecond).sorted().toArray();
		int middle = rates.length / 2;
		return (rates.length % 2 == 1) ? rates[middle] : (rates[middle - 1] + rates[middle]) / 2;
	}

	double minPerSecond() {
		return this.rounds.stream().mapToDouble(RoundResult::perSecond).min().orElse(0);
	}

	double maxPerSecond() {
		return this.rounds.stream().mapToDouble(RoundResult::perSecond).max().orElse(0);
	}

	long unexpected() {
		return this.rounds.stream().mapToLong(RoundResult::unexpected).sum();
	}

	/**
	 * A percentile over the requests of every round.
	 * @param percent e.g. 50 or 99
	 * @return the latency in microseconds
	 */
	int percentileMicros(double percent) {
		int[] all = this.rounds.stream().flatMapToInt((round) -> Arrays.stream(round.latenciesMicros())).sorted().toArray();
		if (all.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(percent / 100 * all.length) - 1;
		return all[Math.max(0, Math.min(all.length - 1, index))];
	}

}
