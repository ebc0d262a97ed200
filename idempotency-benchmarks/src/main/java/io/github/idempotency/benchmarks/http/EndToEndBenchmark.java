package io.github.idempotency.benchmarks.http;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The end-to-end benchmark: for each store, starts the sample app with the {@code bench} profile and measures
 * {@code /bench/plain}, {@code /bench/idem} and {@code /bench/ideal} in interleaved rounds after a warm-up, at many
 * connections (throughput) and one (latency), for unique keys and a replay storm; counts the store's round trips
 * per request on the server; and sends bursts of concurrent duplicates of one key, where more than one execution
 * per key fails the run (exit status 1). Prints one table. See {@code docs/benchmarks.md}.
 */
public final class EndToEndBenchmark {

	private static final int[] DUPLICATES = { 2, 8, 32 };

	private static final String REDIS_CLIENT_NAME = "idempotency-bench";

	private final BenchOptions options;

	private final ResultTable table = new ResultTable();

	private final List<DuplicateBurst.Outcome> bursts = new ArrayList<>();

	private final List<String> failures = new ArrayList<>();

	private final Map<String, String> recordSizes = new LinkedHashMap<>();

	private MemoryFillRun memoryFill;

	private EndToEndBenchmark(BenchOptions options) {
		this.options = options;
	}

	public static void main(String[] args) throws Exception {
		BenchOptions options;
		try {
			options = BenchOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		EndToEndBenchmark benchmark = new EndToEndBenchmark(options);
		benchmark.run();
		System.exit(benchmark.failures.isEmpty() ? 0 : 1);
	}

	private void run() throws Exception {
		Files.createDirectories(this.options.out());
		String runId = UUID.randomUUID().toString().substring(0, 8);
		for (String store : this.options.stores()) {
			runStore(store, runId);
		}
		System.out.println();
		System.out.println(this.table.render(this.options));
		if (this.memoryFill != null) {
			System.out.println(this.memoryFill.render());
		}
		System.out.println(renderBursts());
		this.recordSizes.forEach((store, size) -> System.out.println("Stored bytes per record, "
				+ StoredRecordSize.BODY_BYTES + "-byte body, " + store + ": " + size));
		if (this.failures.isEmpty()) {
			System.out.println("PASS: every key ran exactly once under concurrent duplicates; every response was as expected.");
		}
		else {
			this.failures.forEach((failure) -> System.out.println("FAIL: " + failure));
		}
	}

	private void runStore(String store, String runId) throws Exception {
		List<String> arguments = new ArrayList<>();
		RoundTripCounter counter = RoundTripCounter.NONE;
		Duration recordTtl = LoadRound.BENCH_RECORD_TTL;
		switch (store) {
			case "redis" -> {
				arguments.add("--spring.profiles.active=redis,bench");
				arguments.add("--spring.data.redis.url=redis://" + this.options.redisHost() + ":"
						+ this.options.redisPort());
				counter = new RedisMonitorCounter(this.options.redisHost(), this.options.redisPort(),
						REDIS_CLIENT_NAME);
			}
			case "postgres" -> {
				recreateDatabase();
				arguments.add("--spring.profiles.active=postgres,bench");
				arguments.add("--spring.datasource.url=" + this.options.postgresUrl() + this.options.database());
				arguments.add("--spring.datasource.username=" + this.options.postgresUser());
				// the round trip count reads late (PostgresStatsCounter), so replayed keys must outlive its pauses;
				// the rows stay in the benchmark's own database
				recordTtl = Duration.ofMinutes(10);
				arguments.add("--idempotency.endpoints.bench.ttl=" + recordTtl.toMinutes() + "m");
				counter = new PostgresStatsCounter(adminUrl(), this.options.database());
			}
			default -> {
				arguments.add("--spring.profiles.active=bench");
				if (this.options.memoryFill() > 0) {
					// the bound of the rows near it; the bytes bound, well above what its records hold, is not reached
					arguments.add("--idempotency.memory.max-records=" + this.options.memoryFill());
					arguments.add("--idempotency.memory.max-bytes=" + (4096L * this.options.memoryFill()) + "B");
				}
			}
		}
		List<String> jvm = new ArrayList<>(this.options.appJvmOptions());
		if (this.options.jfr()) {
			jvm.add("-XX:StartFlightRecording=settings=default,filename="
					+ this.options.out().resolve("app-" + store + ".jfr").toAbsolutePath());
		}
		Path log = AppProcess.logFile(this.options.out(), store);
		log("starting the app for " + store + " (log: " + log + ")");
		try (AppProcess app = AppProcess.start(this.options.app(), jvm, arguments, log, Duration.ofMinutes(5))) {
			LoadRound rounds = new LoadRound("127.0.0.1", app.port(), runId + "-" + store, true, recordTtl,
					this.options.sequentialKeys());
			CpuClock cpu = new CpuClock(app.pid(), serverCommand(store));
			for (Scenario scenario : Scenario.values()) {
				for (int connections : new int[] { this.options.throughputConnections(), 1 }) {
					measure(store, scenario, connections, rounds, cpu);
				}
			}
			countRoundTrips(store, rounds, counter);
			DuplicateBurst duplicates = new DuplicateBurst("127.0.0.1", app.port(), runId + "-" + store, store);
			for (int n : DUPLICATES) {
				for (Variant variant : new Variant[] { Variant.IDEM, Variant.IDEAL }) {
					DuplicateBurst.Outcome outcome = duplicates.run(variant, n, this.options.trials());
					this.bursts.add(outcome);
					log(store + ": " + n + " duplicates x " + outcome.trials() + " keys on " + variant.label() + ": "
							+ outcome.handlerRuns() + " executions");
					if (!outcome.oncePerKey()) {
						this.failures.add(store + " " + variant.label() + ": " + n + " concurrent duplicates ran "
								+ outcome.handlerRuns() + " times for " + outcome.trials() + " keys ("
								+ outcome.trialsNotOnce() + " keys not exactly once, " + outcome.other()
								+ " unexpected responses)");
					}
				}
			}
			StoredRecordSize sizes = new StoredRecordSize("127.0.0.1", app.port());
			String size = switch (store) {
				case "redis" -> sizes.redis(this.options.redisHost(), this.options.redisPort());
				case "postgres" -> sizes.postgres(this.options.postgresUrl() + this.options.database() + "?user="
						+ this.options.postgresUser());
				default -> null;
			};
			if (size != null) {
				this.recordSizes.put(store, size);
				log(store + ": stored bytes per record with a " + StoredRecordSize.BODY_BYTES + "-byte body: " + size);
			}
			if (store.equals("memory") && this.options.memoryFill() > 0) {
				this.memoryFill = new MemoryFillRun(this.options, "127.0.0.1", app.port(), runId, this.failures);
				this.memoryFill.run();
			}
		}
		finally {
			counter.close();
		}
	}

	private void measure(String store, Scenario scenario, int connections, LoadRound rounds, CpuClock cpu)
			throws Exception {
		Map<Variant, Series> series = new EnumMap<>(Variant.class);
		Variant[] variants = Variant.values();
		for (int round = 0; round < this.options.warmupRounds(); round++) {
			for (Variant variant : variants) {
				rounds.run(variant, scenario, connections, this.options.roundMillis());
			}
		}
		for (int round = 0; round < this.options.rounds(); round++) {
			// rotate the order so that no variant always runs first or last in a round
			for (int i = 0; i < variants.length; i++) {
				Variant variant = variants[(i + round) % variants.length];
				CpuClock.Reading before = cpu.read();
				RoundResult result = rounds.run(variant, scenario, connections, this.options.roundMillis());
				series.computeIfAbsent(variant, (v) -> new Series()).add(result, cpu.since(before));
			}
		}
		log(store + " " + scenario.label() + " x" + connections + ": " + summary(series));
		this.table.add(store, scenario, connections, series);
		for (Map.Entry<Variant, Series> entry : series.entrySet()) {
			if (entry.getKey() != Variant.PLAIN && entry.getValue().unexpected() > 0) {
				this.failures.add(store + " " + scenario.label() + " x" + connections + " " + entry.getKey().label()
						+ ": " + entry.getValue().unexpected() + " responses were not the expected "
						+ ((scenario == Scenario.UNIQUE) ? "first-request 201" : "replayed 201"));
			}
		}
	}

	private void countRoundTrips(String store, LoadRound rounds, RoundTripCounter counter) throws Exception {
		Map<String, String> keys = new LinkedHashMap<>();
		if (counter.readsLate()) {
			// every replayed key's first request before the first reading, so that no reading counts one
			for (Scenario scenario : Scenario.values()) {
				for (Variant variant : Variant.values()) {
					keys.put(scenario.label() + "/" + variant.label(), rounds.prepare(variant, scenario));
				}
			}
		}
		Map<String, String> counts = new LinkedHashMap<>();
		for (Scenario scenario : Scenario.values()) {
			for (Variant variant : Variant.values()) {
				String id = scenario.label() + "/" + variant.label();
				String roundKey = counter.readsLate() ? keys.get(id) : rounds.prepare(variant, scenario);
				counter.start();
				RoundResult result = rounds.run(variant, scenario, 1, Math.min(1000, this.options.roundMillis() * 2),
						roundKey);
				String count = counter.stop(result.requests());
				counts.put(id, count);
				log(store + " round trips, " + scenario.label() + " " + variant.label() + ": " + count + " per request");
			}
		}
		this.table.roundTrips(store, counts);
	}

	// the store's server processes on this machine, whose CPU time the table sets beside the app's
	private String serverCommand(String store) {
		boolean local = switch (store) {
			case "redis" -> isLocal(this.options.redisHost());
			case "postgres" -> isLocal(hostOf(this.options.postgresUrl()));
			default -> false;
		};
		if (!local) {
			return null;
		}
		return store.equals("redis") ? "redis-server" : "postgres";
	}

	// null for a URL it cannot read: the server's CPU is then not measured
	private static String hostOf(String jdbcUrl) {
		try {
			return URI.create(jdbcUrl.substring("jdbc:".length())).getHost();
		}
		catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
			return null;
		}
	}

	private static boolean isLocal(String host) {
		return "127.0.0.1".equals(host) || "localhost".equals(host) || "::1".equals(host);
	}

	private static String summary(Map<Variant, Series> series) {
		StringBuilder text = new StringBuilder();
		series.forEach((variant, s) -> text.append(variant.label())
			.append(' ')
			.append(Math.round(s.medianPerSecond()))
			.append(" req/s  "));
		return text.toString().trim();
	}

	private void recreateDatabase() throws Exception {
		try (Connection admin = DriverManager.getConnection(adminUrl()); Statement statement = admin.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + this.options.database() + " WITH (FORCE)");
			statement.execute("CREATE DATABASE " + this.options.database());
		}
	}

	private String adminUrl() {
		return this.options.postgresUrl() + "postgres?user=" + this.options.postgresUser();
	}

	private String renderBursts() {
		StringBuilder text = new StringBuilder("\nConcurrent duplicates of one key (gate: exactly one execution per key)\n");
		text.append(String.format("%-9s %-6s %4s %6s %10s %9s %9s %9s %8s%n", "store", "path", "N", "keys",
				"exec/key", "executed", "replayed", "409", "result"));
		for (DuplicateBurst.Outcome outcome : this.bursts) {
			text.append(String.format("%-9s %-6s %4d %6d %10.2f %9d %9d %9d %8s%n", outcome.store(),
					outcome.variant().label(), outcome.n(), outcome.trials(), outcome.executionsPerKey(),
					outcome.executed(), outcome.replayed(), outcome.conflicts(), outcome.oncePerKey() ? "pass" : "FAIL"));
		}
		return text.toString();
	}

	private static void log(String message) {
		System.out.println("[bench] " + message);
		System.out.flush();
	}

}
