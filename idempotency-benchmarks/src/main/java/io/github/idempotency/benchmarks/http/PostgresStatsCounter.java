package io.github.idempotency.benchmarks.http;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Counts the app's PostgreSQL work from {@code pg_stat_database} for the benchmark's own database (nothing else
 * uses it, and this counter reads from another database so as not to count itself): transactions and rows written,
 * per request. Without {@code pg_stat_statements} (it needs a server restart) statements cannot be counted one by
 * one; an autocommit statement is a transaction of its own, so transactions bound the round trips from below and
 * equal them when every transaction is one statement. A backend publishes its statistics when it goes idle, but
 * at most once a second; what it could not publish then waits for 10 s of idleness, so {@link #stop} waits 11 s and
 * then until two readings agree. The next {@link #start} reuses that reading.
 */
final class PostgresStatsCounter implements RoundTripCounter {

	private static final String SNAPSHOT = """
			SELECT xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted
			FROM pg_stat_database WHERE datname = ?""";

	private final String adminUrl;

	private final String database;

	private long[] before;

	private long[] last;

	PostgresStatsCounter(String adminUrl, String database) {
		this.adminUrl = adminUrl;
		this.database = database;
	}

	@Override
	public boolean readsLate() {
		return true;
	}

	@Override
	public void start() throws Exception {
		this.before = (this.last != null) ? this.last : settled();
	}

	@Override
	public String stop(long requests) throws Exception {
		long[] after = settled();
		this.last = after;
		return String.format("%.2f tx, %.2f rows written", (double) (after[0] - this.before[0]) / requests,
				(double) (after[1] - this.before[1]) / requests);
	}

	private long[] settled() throws SQLException, InterruptedException {
		Thread.sleep(11_000);
		long[] previous = snapshot();
		for (int attempt = 0; attempt < 10; attempt++) {
			Thread.sleep(1000);
			long[] current = snapshot();
			if (Arrays.equals(previous, current)) {
				return current;
			}
			previous = current;
		}
		return previous;
	}

	private long[] snapshot() throws SQLException {
		try (Connection admin = DriverManager.getConnection(this.adminUrl);
				PreparedStatement statement = admin.prepareStatement(SNAPSHOT)) {
			statement.setString(1, this.database);
			try (ResultSet row = statement.executeQuery()) {
				if (!row.next()) {
					throw new IllegalStateException("No statistics for database " + this.database);
				}
				return new long[] { row.getLong(1), row.getLong(2) };
			}
		}
	}

}
