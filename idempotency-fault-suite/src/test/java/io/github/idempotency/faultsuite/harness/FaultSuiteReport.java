package io.github.idempotency.faultsuite.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's one table: a row per scenario and store, written to {@code target/fault-suite-report.md} after every
 * row (so an interrupted run keeps what it measured) and printed once all scenarios ran.
 */
public final class FaultSuiteReport {

	private static final List<Row> rows = new ArrayList<>();

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

	/**
	 * The table as Markdown.
	 * @return the table
	 */
	public static synchronized String table() {
		StringBuilder table = new StringBuilder();
		table.append("| scenario | store | runs | figure | verdict | control verdict |\n");
		table.append("| --- | --- | --- | --- | --- | --- |\n");
		for (Row row : rows) {
			table.append("| ")
				.append(String.join(" | ", row.scenario(), row.store(), row.runs(), row.figure(), row.verdict(),
						row.controlVerdict()))
				.append(" |\n");
		}
		return table.toString();
	}

	static synchronized boolean isEmpty() {
		return rows.isEmpty();
	}

	private static void write() {
		Path file = Path.of(System.getProperty("fault-suite.report", "target/fault-suite-report.md"));
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, "Fault suite (" + SuiteConfiguration.current().name() + ")\n\n" + table());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
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

}
