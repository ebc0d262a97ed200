package io.github.idempotency.benchmarks.http;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table puts each path's share of the ideal twice: by the median rate of the rounds and by the CPU time per
 * request of the app and the store's server, which a round on a shared machine moves far less.
 */
class ResultTableTest {

	private static final String[] OPTIONS = { "--app", "app.jar" };

	@Test
	void givesTheIdealsShareByRateAndByCpuTimePerRequest() {
		Map<Variant, Series> series = new EnumMap<>(Variant.class);
		// the library at 0.90 of the ideal's rate, but spending 300 + 100 µs a request against 240 + 80 µs: 0.80
		series.put(Variant.PLAIN, measured(2_000, 100, -1));
		series.put(Variant.IDEM, measured(900, 300, 100));
		series.put(Variant.IDEAL, measured(1_000, 240, 80));
		ResultTable table = new ResultTable();
		table.add("postgres", Scenario.UNIQUE, 32, series);

		String[] lines = table.render(BenchOptions.parse(OPTIONS)).split("\n");

		assertThat(cell(lines, 2, "path", 6)).isEqualTo("plain");
		assertThat(cell(lines, 2, "cpu ideal", 9)).isEqualTo("-");
		assertThat(cell(lines, 3, "path", 6)).isEqualTo("idem");
		assertThat(cell(lines, 3, "of ideal", 8)).isEqualTo("0.90");
		assertThat(cell(lines, 3, "cpu ideal", 9)).isEqualTo("0.80");
		assertThat(cell(lines, 4, "path", 6)).isEqualTo("ideal");
		assertThat(cell(lines, 4, "cpu ideal", 9)).isEqualTo("1.00");
	}

	@Test
	void countsTheAppAloneWhereTheServersTimeWasNotRead() {
		Map<Variant, Series> series = new EnumMap<>(Variant.class);
		series.put(Variant.PLAIN, measured(2_000, 50, -1));
		series.put(Variant.IDEM, measured(1_000, 100, -1));
		series.put(Variant.IDEAL, measured(1_000, 95, -1));
		ResultTable table = new ResultTable();
		table.add("memory", Scenario.UNIQUE, 1, series);

		String[] lines = table.render(BenchOptions.parse(OPTIONS)).split("\n");

		assertThat(cell(lines, 3, "cpu ideal", 9)).isEqualTo("0.95");
	}

	@Test
	void leavesTheCpuShareOutWhenTheAppsTimeWasNotRead() {
		Map<Variant, Series> series = new EnumMap<>(Variant.class);
		series.put(Variant.PLAIN, rateOnly(1_000));
		series.put(Variant.IDEM, rateOnly(900));
		series.put(Variant.IDEAL, rateOnly(1_000));
		ResultTable table = new ResultTable();
		table.add("memory", Scenario.REPLAY, 1, series);

		String[] lines = table.render(BenchOptions.parse(OPTIONS)).split("\n");

		assertThat(cell(lines, 3, "of ideal", 8)).isEqualTo("0.90");
		assertThat(cell(lines, 3, "cpu ideal", 9)).isEqualTo("-");
	}

	// the cells are fixed-width and as wide as their headers here, where no value overflows its column
	private static String cell(String[] lines, int row, String header, int width) {
		int start = lines[1].indexOf(header);
		assertThat(start).as(header).isNotNegative();
		return lines[row].substring(start, start + width).trim();
	}

	private static Series measured(long requestsPerSecond, long appMicros, long serverMicros) {
		Series series = new Series();
		for (int round = 0; round < 3; round++) {
			RoundResult result = RoundResult.of(requestsPerSecond, 1_000_000_000L, new int[] { 100, 200 }, 0);
			series.add(result, new CpuClock.Spent(appMicros * 1_000 * requestsPerSecond, 0,
					Math.max(serverMicros, 0) * 1_000 * requestsPerSecond, true, serverMicros >= 0));
		}
		return series;
	}

	private static Series rateOnly(long requestsPerSecond) {
		Series series = new Series();
		for (int round = 0; round < 3; round++) {
			series.add(RoundResult.of(requestsPerSecond, 1_000_000_000L, new int[] { 100, 200 }, 0));
		}
		return series;
	}

}
