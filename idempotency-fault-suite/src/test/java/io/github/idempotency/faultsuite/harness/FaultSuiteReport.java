package io.github.idempotency.faultsuite.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suite's one table: a row per scenario and store, then each row's duration against its bound, written to
 * {@code target/fault-suite-report.md} after every row and every scenario (so an interrupted run keeps what it
 * measured) and printed once all scenarios ran.
 * <p>
 * Writing never fails a scenario: a figure may quote any text (a random JSON body, a log line), so each cell is
 * made one line of Markdown, unpaired surrogates become U+FFFD before encoding, and the file is replaced whole
 * through a temporary file, never left half-written. An I/O error is printed and the next write tries again.
 */
public final class FaultSuiteReport {

	/** The bound on one scenario, applied to each of its rows (a store or a fault). */
	public static final Duration SCENARIO_BOUND = Duration.ofSeconds(90);

	/** The bound on the whole suite. */
	public static final Duration SUITE_BOUND = Duration.ofMinutes(20);

	private static final List<Row> rows = new ArrayList<>();

	private static final List<Timing> timings = new ArrayList<>();

	private static long suiteStartNanos = System.nanoTime();

	private FaultSuiteReport() {
	}

	/**
	 * Adds a row and rewrites the report file.
	 * @param row the row
	 */
	public static synchronized void add(Row row) {
		rows.add(row);
		write();
	}

	/** Marks the start of the whole run: the suite's duration counts from here. */
	static synchronized void suiteStarted() {
		suiteStartNanos = System.nanoTime();
	}

	/**
	 * Records how long one scenario (a test, or one store of a parameterized test) took, and rewrites the report.
	 * @param scenario the row's name: the scenario, and the store or fault where it has several
	 * @param duration from its start to its end, app and store start-ups included
	 * @param training the part of it that prepared start-ups (Spring AOT contexts, class-data archives), which
	 *     belongs to the suite, not to the row
	 * (the first row that needs a configuration trains its archive, unless an earlier run left it)
	 * @param startUps child apps it started
	 * @param startUpTime their start-ups' wall time, summed
	 * @param startUpCpu the CPU their start-ups used
	 * @param outcome how it ended: {@code SUCCESSFUL}, {@code FAILED}, {@code ABORTED}
	 */
	static synchronized void scenarioFinished(String scenario, Duration duration, Duration training, int startUps,
			Duration startUpTime, Duration startUpCpu, String outcome) {
		timings.add(new Timing(scenario, duration.minus(training), training, startUps, startUpTime, startUpCpu,
				outcome));
		write();
	}

	/**
	 * The table as Markdown.
	 * @return the table
	 */
	public static synchronized String table() {
		StringBuilder table = new StringBuilder();
		table.append("| scenario | store | runs | figure | verdict | control verdict |\n");
		table.append("| --- | --- | --- | --- | --- | --- |\n");
		for (Row row : rows) {
			line(table, row.scenario(), row.store(), row.runs(), row.figure(), row.verdict(), row.controlVerdict());
		}
		return table.toString();
	}

	/**
	 * Each row's duration (a scenario's test, or one store or fault of a parameterized one) against the issue's
	 * bound (90 s), and the whole run's against 20 minutes. Shown, not a verdict: on a machine that other builds
	 * load, an app start-up alone can exceed the bound.
	 * @return the durations as Markdown
	 */
	public static synchronized String durations() {
		if (timings.isEmpty()) {
			return "";
		}
		StringBuilder table = new StringBuilder();
		table.append("| scenario row | duration | within ")
			.append(SCENARIO_BOUND.toSeconds())
			.append(" s | app start-ups | their wall time (summed) | their CPU | outcome |\n");
		table.append("| --- | --- | --- | --- | --- | --- | --- |\n");
		for (Timing timing : timings) {
			line(table, timing.scenario(),
					seconds(timing.duration()) + (timing.training().isZero() ? ""
							: " (+ " + seconds(timing.training()) + " of start-up preparation: Spring AOT, class-data archive)"),
					(timing.duration().compareTo(SCENARIO_BOUND) <= 0) ? "yes" : "no",
					Integer.toString(timing.startUps()), seconds(timing.startUpTime()), seconds(timing.startUpCpu()),
					timing.outcome());
		}
		Duration total = Duration.ofNanos(System.nanoTime() - suiteStartNanos);
		table.append("\nWhole run so far: ")
			.append(seconds(total))
			.append(" (bound ")
			.append(SUITE_BOUND.toMinutes())
			.append(" min: ")
			.append((total.compareTo(SUITE_BOUND) <= 0) ? "within" : "exceeded")
			.append("); ")
			.append(timings.stream().filter((timing) -> timing.duration().compareTo(SCENARIO_BOUND) > 0).count())
			.append(" of ")
			.append(timings.size())
			.append(" rows over ")
			.append(SCENARIO_BOUND.toSeconds())
			.append(" s.\n");
		return table.toString();
	}

	/**
	 * The whole report: the configuration, the table and the durations.
	 * @return the report as Markdown
	 */
	public static synchronized String report() {
		String durations = durations();
		return "Fault suite (" + SuiteConfiguration.current().name() + ")\n\n" + table()
				+ (durations.isEmpty() ? "" : "\nDurations\n\n" + durations);
	}

	static synchronized boolean isEmpty() {
		return rows.isEmpty() && timings.isEmpty();
	}

	private static void line(StringBuilder table, String... cells) {
		table.append("| ");
		for (int i = 0; i < cells.length; i++) {
			table.append((i == 0) ? "" : " | ").append(cell(cells[i]));
		}
		table.append(" |\n");
	}

	/** One cell: on one line, its pipes escaped, so that any text keeps the table's shape. */
	static String cell(String text) {
		if (text == null) {
			return "";
		}
		return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').replace("|", "\\|");
	}

	private static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
	}

	private static void write() {
		Path file = Path.of(System.getProperty("fault-suite.report", "target/fault-suite-report.md"))
			.toAbsolutePath();
		try {
			Files.createDirectories(file.getParent());
			Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
			try {
				Files.write(temporary, utf8(report()));
				try {
					Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (AtomicMoveNotSupportedException ex) {
					Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
				}
			}
			finally {
				Files.deleteIfExists(temporary);
			}
		}
		catch (IOException | RuntimeException ex) {
			// the table is printed at the end as well: a report that cannot be written must not fail a scenario
			System.err.println("fault suite: could not write " + file + ": " + ex);
		}
	}

	/** UTF-8 in which an unpaired surrogate (half of a cut emoji, say) becomes U+FFFD instead of an error. */
	static byte[] utf8(String text) throws CharacterCodingException {
		CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE)
			.replaceWith("\uFFFD".getBytes(StandardCharsets.UTF_8));
		ByteBuffer bytes = encoder.encode(CharBuffer.wrap(text));
		byte[] array = new byte[bytes.remaining()];
		bytes.get(array);
		return array;
	}

	/**
	 * One line of the table.
	 *
	 * @param scenario the scenario's number and name
	 * @param store the store
	 * @param runs how many runs or trials
	 * @param figure what was measured
	 * @param verdict {@code PASS} or {@code FAIL} with the reason
	 * @param controlVerdict the negative control's verdict: it must fail; {@code n/a} where there is none
	 */
	public record Row(String scenario, String store, String runs, String figure, String verdict,
			String controlVerdict) {
	}

	/**
	 * One scenario's duration.
	 *
	 * @param scenario the row's name: the scenario, and the store or fault where it has several
	 * @param duration how long it took, without the start-ups' preparation
	 * @param training the start-ups' preparation it waited for (Spring AOT contexts, class-data archives)
	 * @param startUps child apps it started
	 * @param startUpTime their start-ups' wall time, summed
	 * @param startUpCpu the CPU their start-ups used
	 * @param outcome how it ended
	 */
	private record Timing(String scenario, Duration duration, Duration training, int startUps, Duration startUpTime,
			Duration startUpCpu, String outcome) {
	}

}
