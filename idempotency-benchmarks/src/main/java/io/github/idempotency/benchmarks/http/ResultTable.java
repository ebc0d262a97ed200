package io.github.idempotency.benchmarks.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's one table: per store, scenario, connection count and path, the median throughput with its
 * range, the ratios to plain and to the ideal measured in the same rounds, latency percentiles, the CPU time per
 * request of the app and of the store's server with the ideal's share by that time, and the store's round trips per
 * request.
 */
final class ResultTable {

	private final List<Row> rows = new ArrayList<>();

	private final Map<String, String> roundTrips = new HashMap<>();

	void add(String store, Scenario scenario, int connections, Map<Variant, Series> series) {
		for (Variant variant : Variant.values()) {
			this.rows.add(new Row(store, scenario, connections, variant, series));
		}
	}

	void roundTrips(String store, Map<String, String> counts) {
		counts.forEach((key, count) -> this.roundTrips.put(store + "/" + key, count));
	}

	String render(BenchOptions options) {
		StringBuilder text = new StringBuilder();
		text.append(String.format(
				"End-to-end: %d warm-up + %d measured interleaved rounds of %.1f s per path, %s unique keys%s%n",
				options.warmupRounds(), options.rounds(), options.roundMillis() / 1000.0,
				options.sequentialKeys() ? "sequential" : "random",
				options.quick() ? " (--quick: a smoke run, figures mean nothing)" : ""));
		String format = "%-8s %-7s %5s %-6s %26s %7s %8s %8s %8s %22s %9s  %s%n";
		text.append(String.format(format, "store", "keys", "conns", "path", "req/s median (min-max)", "x plain",
				"of ideal", "p50 us", "p99 us", "cpu us app (gc) / srv", "cpu ideal", "store round trips per request"));
		for (Row row : this.rows) {
			Series series = row.series.get(row.variant);
			Series plain = row.series.get(Variant.PLAIN);
			Series ideal = row.series.get(Variant.IDEAL);
			String rate = String.format("%d (%d-%d)", Math.round(series.medianPerSecond()),
					Math.round(series.minPerSecond()), Math.round(series.maxPerSecond()));
			String toPlain = String.format("%.2f", series.medianPerSecond() / plain.medianPerSecond());
			String toIdeal = (row.variant == Variant.PLAIN) ? "-"
					: String.format("%.2f", series.medianPerSecond() / ideal.medianPerSecond());
			String trips = this.roundTrips.getOrDefault(
					row.store + "/" + row.scenario.label() + "/" + row.variant.label(), "-");
			text.append(String.format(format, row.store, row.scenario.label(), row.connections, row.variant.label(),
					rate, toPlain, toIdeal, series.percentileMicros(50), series.percentileMicros(99), cpu(series),
					idealByCpu(row.variant, series, ideal), trips));
		}
		return text.toString();
	}

	// CPU time per request of the app (of which its garbage collector's) and of the store's server (PostgreSQL's or
	// Redis's processes on this machine)
	private static String cpu(Series series) {
		double app = series.appCpuMicrosPerRequest();
		double server = series.serverCpuMicrosPerRequest();
		return ((app < 0) ? "-"
				: Math.round(app) + " (" + Math.round(series.appCollectorCpuMicrosPerRequest()) + ")") + " / "
				+ ((server < 0) ? "-" : Long.toString(Math.round(server)));
	}

	// the ideal's CPU per request over the path's (app and server together): the share of the ideal by what a request
	// costs the machine, next to the share by req/s; above 1, the path costs less than the ideal
	private static String idealByCpu(Variant variant, Series series, Series ideal) {
		double cost = series.cpuMicrosPerRequest();
		double idealCost = ideal.cpuMicrosPerRequest();
		return (variant == Variant.PLAIN || cost <= 0 || idealCost <= 0) ? "-"
				: String.format("%.2f", idealCost / cost);
	}

	private record Row(String store, Scenario scenario, int connections, Variant variant,
			Map<Variant, Series> series) {
	}

}
