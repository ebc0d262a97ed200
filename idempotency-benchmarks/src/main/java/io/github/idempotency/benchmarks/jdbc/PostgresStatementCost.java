package io.github.idempotency.benchmarks.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.spring.jpa.JpaIdempotencyStore;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The JPA store's PostgreSQL path against the hand-written ideal of the benchmark's {@code /bench/ideal}, with no
 * HTTP in between: one thread, one pooled connection, both paths interleaved in blocks of alternating order, so that
 * the machine's load falls on both alike. A first request is the store's claim and completion against the ideal's
 * {@code INSERT ... ON CONFLICT DO NOTHING} and {@code UPDATE}; a replay the store's claim of a finished key against
 * the ideal's insert and {@code SELECT}. Prints each path's median and mean microseconds per request and the
 * ideal's time over the library's (the share of the ideal, as in the end-to-end table), the CPU time the calling
 * thread spent per request (the app's side of the statements: the store's code, the pool and the driver, with the
 * driver's system calls), and the stored row sizes.
 * <p>
 * Usage: {@code java -cp idempotency-benchmarks.jar io.github.idempotency.benchmarks.jdbc.PostgresStatementCost
 * [jdbc-url] [rounds]}; it creates and drops its own tables ({@code stmt_cost_library}, {@code stmt_cost_ideal}).
 */
public final class PostgresStatementCost {

	private static final String LIBRARY_TABLE = "stmt_cost_library";

	private static final String IDEAL_TABLE = "stmt_cost_ideal";

	private static final int BLOCK = 100;

	private static final int WARM_UP_ROUNDS = 5;

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofHours(1);

	// the receipt of the benchmark's handler: 89 bytes of JSON
	private static final byte[] BODY = ("{\"receipt\":\"" + "r".repeat(62) + "\",\"qty\":1,\"ok\":1}")
		.getBytes(StandardCharsets.UTF_8);

	private static final StoredResponse RESPONSE = StoredResponse.of(201,
			Map.of("Content-Type", List.of("application/json")), BODY);

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/bench/idem", "{}");

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final JpaIdempotencyStore store;

	private final JdbcTemplate jdbc;

	// the calling thread's CPU nanoseconds in the measured rounds: library first, ideal first, library replay, ideal
	// replay
	private final long[] cpuNanos = new long[4];

	private PostgresStatementCost(JpaIdempotencyStore store, JdbcTemplate jdbc) {
		this.store = store;
		this.jdbc = jdbc;
	}

	public static void main(String[] args) throws IOException {
		String url = (args.length > 0) ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 30;
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setMaximumPoolSize(1);
		try (HikariDataSource pool = new HikariDataSource(config)) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			createTables(jdbc);
			try {
				new PostgresStatementCost(new JpaIdempotencyStore(pool, LIBRARY_TABLE), jdbc).run(rounds);
			}
			finally {
				jdbc.execute("DROP TABLE IF EXISTS " + LIBRARY_TABLE);
				jdbc.execute("DROP TABLE IF EXISTS " + IDEAL_TABLE);
			}
		}
	}

	private static void createTables(JdbcTemplate jdbc) throws IOException {
		jdbc.execute("DROP TABLE IF EXISTS " + LIBRARY_TABLE);
		jdbc.execute("DROP TABLE IF EXISTS " + IDEAL_TABLE);
		try (InputStream in = JpaIdempotencyStore.class.getResourceAsStream("schema-postgresql.sql")) {
			String script = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("idempotency_record",
					LIBRARY_TABLE);
			// as one string: the driver splits it, minding the quoted body of its DO block
			jdbc.execute(script);
		}
		jdbc.execute("CREATE TABLE " + IDEAL_TABLE + " (idempotency_key VARCHAR(300) PRIMARY KEY, response BYTEA)");
	}

	private void run(int rounds) {
		long[][] samples = new long[4][rounds * BLOCK];
		for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
			boolean libraryFirst = (round & 1) == 0;
			for (int turn = 0; turn < 2; turn++) {
				boolean library = (turn == 0) == libraryFirst;
				long[] first = new long[BLOCK];
				long[] replay = new long[BLOCK];
				long[] cpu = block(library, first, replay);
				if (round >= 0) {
					this.cpuNanos[library ? 0 : 1] += cpu[0];
					this.cpuNanos[library ? 2 : 3] += cpu[1];
					System.arraycopy(first, 0, samples[library ? 0 : 1], round * BLOCK, BLOCK);
					System.arraycopy(replay, 0, samples[library ? 2 : 3], round * BLOCK, BLOCK);
				}
			}
		}
		System.out.printf(Locale.ROOT, "%d interleaved rounds of %d requests per path, one connection%n", rounds,
				BLOCK);
		System.out.printf(Locale.ROOT, "%-8s %-8s %12s %12s %14s %12s%n", "request", "path", "median us", "mean us",
				"share of ideal", "app cpu us");
		long requests = (long) rounds * BLOCK;
		report("first", samples[0], samples[1], this.cpuNanos[0] / requests, this.cpuNanos[1] / requests);
		report("replay", samples[2], samples[3], this.cpuNanos[2] / requests, this.cpuNanos[3] / requests);
		System.out.printf(Locale.ROOT, "row bytes (pg_column_size): library %s, ideal %s%n",
				this.jdbc.queryForObject("SELECT round(avg(pg_column_size(r.*))) FROM " + LIBRARY_TABLE + " r",
						String.class),
				this.jdbc.queryForObject("SELECT round(avg(pg_column_size(r.*))) FROM " + IDEAL_TABLE + " r",
						String.class));
		System.out.printf(Locale.ROOT, "HOT updates: library %s, ideal %s%n", hotUpdates(LIBRARY_TABLE),
				hotUpdates(IDEAL_TABLE));
	}

	private String hotUpdates(String table) {
		return this.jdbc.queryForObject("SELECT n_tup_hot_upd || ' of ' || n_tup_upd FROM pg_stat_user_tables "
				+ "WHERE relname = ?", String.class, table);
	}

	// returns the calling thread's CPU nanoseconds for the first requests and for the replays
	private long[] block(boolean library, long[] first, long[] replay) {
		List<String> keys = new ArrayList<>(BLOCK);
		long cpuStart = THREADS.getCurrentThreadCpuTime();
		for (int i = 0; i < BLOCK; i++) {
			String key = UUID.randomUUID().toString();
			keys.add(key);
			long start = System.nanoTime();
			if (library) {
				libraryFirst(key);
			}
			else {
				idealFirst(key);
			}
			first[i] = System.nanoTime() - start;
		}
		long cpuBetween = THREADS.getCurrentThreadCpuTime();
		for (int i = 0; i < BLOCK; i++) {
			long start = System.nanoTime();
			if (library) {
				libraryReplay(keys.get(i));
			}
			else {
				idealReplay(keys.get(i));
			}
			replay[i] = System.nanoTime() - start;
		}
		return new long[] { cpuBetween - cpuStart, THREADS.getCurrentThreadCpuTime() - cpuBetween };
	}

	private void libraryFirst(String key) {
		StorageKey storageKey = storageKey(key);
		// as the executor claims: told the retention, so that the completion is a HOT update
		ClaimResult claim = this.store.claim(storageKey, FINGERPRINT, System.currentTimeMillis(), LEASE, RETENTION);
		if (!(claim instanceof ClaimResult.Claimed claimed)
				|| !this.store.complete(storageKey, claimed.owner(), RecordState.FINISHED_OK, RESPONSE, Instant.now(),
						RETENTION)) {
			throw new IllegalStateException("A first request was not claimed and completed: " + claim);
		}
	}

	private void libraryReplay(String key) {
		ClaimResult claim = this.store.claim(storageKey(key), FINGERPRINT, System.currentTimeMillis(), LEASE,
				RETENTION);
		if (!(claim instanceof ClaimResult.Existing existing) || existing.record().response() == null) {
			throw new IllegalStateException("A replay did not find its response: " + claim);
		}
	}

	private void idealFirst(String key) {
		if (this.jdbc.update("INSERT INTO " + IDEAL_TABLE + " (idempotency_key) VALUES (?) ON CONFLICT DO NOTHING",
				key) != 1) {
			throw new IllegalStateException("A first request was not claimed: " + key);
		}
		this.jdbc.update("UPDATE " + IDEAL_TABLE + " SET response = ? WHERE idempotency_key = ?", BODY, key);
	}

	private void idealReplay(String key) {
		this.jdbc.update("INSERT INTO " + IDEAL_TABLE + " (idempotency_key) VALUES (?) ON CONFLICT DO NOTHING", key);
		List<byte[]> held = this.jdbc.query("SELECT response FROM " + IDEAL_TABLE + " WHERE idempotency_key = ?",
				(row, index) -> row.getBytes(1), key);
		if (held.isEmpty() || held.get(0) == null) {
			throw new IllegalStateException("A replay did not find its response: " + key);
		}
	}

	// as the web filter derives it from the header's key
	private static StorageKey storageKey(String key) {
		return IdempotencyKey.of("", "POST /bench/idem", key).storageKey();
	}

	private static void report(String request, long[] library, long[] ideal, long libraryCpu, long idealCpu) {
		double libraryMedian = median(library);
		double idealMedian = median(ideal);
		double libraryMean = mean(library);
		double idealMean = mean(ideal);
		System.out.printf(Locale.ROOT, "%-8s %-8s %12.1f %12.1f %14s %12.1f%n", request, "library",
				libraryMedian / 1e3, libraryMean / 1e3, String.format(Locale.ROOT, "%.2f / %.2f",
						idealMedian / libraryMedian, idealMean / libraryMean), libraryCpu / 1e3);
		System.out.printf(Locale.ROOT, "%-8s %-8s %12.1f %12.1f %14s %12.1f%n", request, "ideal", idealMedian / 1e3,
				idealMean / 1e3, "1.00", idealCpu / 1e3);
	}

	private static double median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static double mean(long[] values) {
		return Arrays.stream(values).average().orElse(0);
	}

}
