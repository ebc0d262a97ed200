package io.github.idempotency.benchmarks.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The measured rounds of one store, scenario, connection count and variant.
 */
final class Series {

	private final List<RoundResult> rounds = new ArrayList<>();

	private long cpuRequests;

	private long appCpuNanos;

	private long appCollectorCpuNanos;

	private long serverCpuNanos;

	private boolean appCpuMeasured;

	private boolean serverCpuMeasured;

	void add(RoundResult round) {
		this.rounds.add(round);
	}

	/**
	 * Adds a round with the CPU time the app and the store's server spent in it.
	 * @param round the round
	 * @param cpu what {@link CpuClock#since} read for it
	 */
	void add(RoundResult round, CpuClock.Spent cpu) {
		add(round);
		this.cpuRequests += round.requests();
		this.appCpuNanos += cpu.appNanos();
		this.appCollectorCpuNanos += cpu.appCollectorNanos();
		this.serverCpuNanos += cpu.serverNanos();
		this.appCpuMeasured |= cpu.appMeasured();
		this.serverCpuMeasured |= cpu.serverMeasured();
	}

	/**
	 * The app's CPU time per request over the rounds added with their CPU time.
	 * @return microseconds, or a negative number when not measured
	 */
	double appCpuMicrosPerRequest() {
		return (this.appCpuMeasured && this.cpuRequests > 0) ? this.appCpuNanos / 1000.0 / this.cpuRequests : -1;
	}

	/**
	 * The CPU time per request of the app's garbage collector (part of {@link #appCpuMicrosPerRequest()}).
	 * @return microseconds, or a negative number when not measured
	 */
	double appCollectorCpuMicrosPerRequest() {
		return (this.appCpuMeasured && this.cpuRequests > 0) ? this.appCollectorCpuNanos / 1000.0 / this.cpuRequests
				: -1;
	}

	/**
	 * The store server's CPU time per request over the rounds added with their CPU time.
	 * @return microseconds, or a negative number when not measured (no server process, or none readable)
	 */
	double serverCpuMicrosPerRequest() {
		return (this.serverCpuMeasured && this.cpuRequests > 0) ? this.serverCpuNanos / 1000.0 / this.cpuRequests
				: -1;
	}

	/**
	 * The CPU time per request of the app and, where it was measured, of the store's server together: what a request
	 * costs the machine, which under many connections moves less between runs than the rate of a round on a shared
	 * machine.
	 * @return microseconds, or a negative number when the app's was not measured
	 */
	double cpuMicrosPerRequest() {
		double app = appCpuMicrosPerRequest();
		double server = serverCpuMicrosPerRequest();
		return (app < 0) ? -1 : app + Math.max(server, 0);
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
