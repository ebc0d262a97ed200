package io.github.idempotency.spring.jpa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/bench-pg-statements.sh} measures the store's PostgreSQL statements as text of its own
 * ({@code idempotency-benchmarks/pgbench}; the table comes from the shipped schema itself); these tests fail when the
 * dialect changes and the scripts were not changed with it, so the published comparison always measures the
 * statements the store sends.
 */
class PgbenchScriptsTest {

	private static final Path PGBENCH = Path.of(System.getProperty("basedir", "."))
		.resolve("../idempotency-benchmarks/pgbench");

	private static final String KEY = "CAST(md5(CAST(CAST(:k AS bigint) AS text)) || "
			+ "md5(CAST(CAST(:k AS bigint) AS text)) AS bpchar)";

	private static final String TOKEN = "'f47ac10b-58cc-4372-a567-0e02b2c3d479'";

	private final PostgresDialect dialect = new PostgresDialect("pgb_library");

	@Test
	void libraryScriptSendsTheDialectsClaimAndCompletion() throws IOException {
		List<String> statements = statements("library.sql");

		assertThat(statements).containsExactly(
				bind(this.dialect.claimInOneStatement(), KEY, TOKEN,
						"'a3f5c0e1b2d4968712345678901234567890abcdefabcdefabcdefabcdefabcd'", "30000", "86401000", KEY),
				bind(this.dialect.complete(false, false), "'FINISHED_OK'", "201", "'Content-Type=application/json'",
						"'\\x7b226964'::bytea || convert_to(repeat('x', 85), 'UTF8')", "TRUE", "86400000", "86400000", KEY,
						TOKEN));
	}

	@Test
	void variantsCompleteAsTheLibraryDoes() throws IOException {
		List<String> library = statements("library.sql");

		assertThat(statements("library-bare-insert.sql").get(1)).isEqualTo(library.get(1));
		assertThat(statements("library-expiry-index.sql")).containsExactlyElementsOf(
				library.stream().map((statement) -> statement.replace("pgb_library", "pgb_expiry_index")).toList());
	}

	// the script's SQL lines, comments and pgbench's meta-commands left out
	private static List<String> statements(String script) throws IOException {
		return Files.readAllLines(PGBENCH.resolve(script), StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> !line.isBlank() && !line.startsWith("--") && !line.startsWith("\\"))
			.toList();
	}

	private static String bind(String sql, String... values) {
		StringBuilder bound = new StringBuilder();
		int next = 0;
		for (char c : sql.toCharArray()) {
			if (c == '?') {
				bound.append(values[next++]);
			}
			else {
				bound.append(c);
			}
		}
		assertThat(next).as("parameters bound").isEqualTo(values.length);
		return bound.append(';').toString();
	}

}
