package io.github.idempotency.benchmarks.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The table sets each path beside plain and the ideal of the same rounds, and a baseline build's library path, when
 * there is one, beside the same two.
 */
class ResultTableTest {

	@TempDir
	Path directory;

	@Test
	void aBaselineBuildGetsARowOfItsOwnRatioedToTheFirstAppsPlainAndIdeal() throws Exception {
		Path baseline = Files.createFile(this.directory.resolve("before-exec.jar"));
		BenchOptions options = BenchOptions.parse(new String[] { "--app", "app.jar", "--baseline-app",
				baseline.toString() });
		Map<Variant, Series> series = new EnumMap<>(Variant.class);
		series.put(Variant.PLAIN, seriesAt(1000));
		series.put(Variant.IDEM, seriesAt(450));
		series.put(Variant.IDEAL, seriesAt(500));
		series.put(Variant.BASELINE, seriesAt(400));
		ResultTable table = new ResultTable();
		table.add("postgres", Scenario.UNIQUE, 32, series);

		String rendered = table.render(options);

		assertThat(rendered).contains("path 'baseline': /bench/idem of " + baseline);
		assertThat(row(rendered, "idem")).contains(" 0.45 ").contains(" 0.90 ");
		assertThat(row(rendered, "baseline")).contains("400 (400-400)").contains(" 0.40 ").contains(" 0.80 ");
	}

	@Test
	void withoutABaselineTheTableHasThreePathsPerRow() {
		BenchOptions options = BenchOptions.parse(new String[] { "--app", "app.jar" });
		Map<Variant, Series> series = new EnumMap<>(Variant.class);
		series.put(Variant.PLAIN, seriesAt(1000));
		series.put(Variant.IDEM, seriesAt(450));
		series.put(Variant.IDEAL, seriesAt(500));
		ResultTable table = new ResultTable();
		table.add("memory", Scenario.REPLAY, 1, series);

		String rendered = table.render(options);

		assertThat(rendered).doesNotContain("baseline");
		assertThat(rendered.lines().filter((line) -> line.startsWith("memory"))).hasSize(3);
	}

	@Test
	void aBaselineAppThatIsNoFileIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BenchOptions.parse(new String[] { "--app", "app.jar", "--baseline-app",
					this.directory.resolve("missing.jar").toString() }))
			.withMessageContaining("--baseline-app is not a file");
	}

	// one round of a second at the given rate, without CPU readings
	private static Series seriesAt(int perSecond) {
		Series series = new Series();
		series.add(RoundResult.of(perSecond, 1_000_000_000L, new int[] { 100, 200 }, 0));
		return series;
	}

	private static String row(String table, String path) {
		return table.lines()
			.filter((line) -> line.split("\\s+").length > 3 && line.split("\\s+")[3].equals(path))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No row for " + path + " in\n" + table));
	}

}
