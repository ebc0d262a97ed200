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
 * <p>
 * With {@code --baseline-app}, another build of the sample app runs beside the first, and its {@code /bench/idem} takes
 * its turn in the same rounds: a change to the library measured against the code before it. Its round trips and
 * duplicates are not counted; the gate is the first app's.
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
		RoundTripCounter counter = RoundTripCounter.NONE;
		Duration recordTtl = LoadRound.BENCH_RECORD_TTL;
		switch (store) {
			case "redis" -> counter = new RedisMonitorCounter(this.options.redisHost(), this.options.redisPort(),
					REDIS_CLIENT_NAME);
			case "postgres" -> {
				recreateDatabase(this.options.database());
				// the round trip count reads late (PostgresStatsCounter), so replayed keys must outlive its pauses;
				// the rows stay in the benchmark's own database
				recordTtl = Duration.ofMinutes(10);
				counter = new PostgresStatsCounter(adminUrl(), this.options.database());
			}
			default -> {
			}
		}
		Path log = AppProcess.logFile(this.options.out(), store);
		log("starting the app for " + store + " (log: " + log + ")");
		try (AppProcess app = AppProcess.start(this.options.app(), jvmOptions(store), arguments(store,
				this.options.database(), recordTtl), log, Duration.ofMinutes(5));
				AppProcess baseline = startBaseline(store, recordTtl)) {
			MeasuredPaths paths = new MeasuredPaths(new LoadRound("127.0.0.1", app.port(), runId + "-" + store, true, recordTtl,
					this.options.sequentialKeys()), new CpuClock(app.pid(), serverCommand(store)),
					(baseline != null) ? new LoadRound("127.0.0.1", baseline.port(), runId + "-" + store + "-baseline",
							true, recordTtl, this.options.sequentialKeys()) : null,
					(baseline != null) ? new CpuClock(baseline.pid(), serverCommand(store)) : null);
			for (Scenario scenario : Scenario.values()) {
				for (int connections : new int[] { this.options.throughputConnections(), 1 }) {
					measure(store, scenario, connections, paths);
				}
			}
			countRoundTrips(store, paths.main(), counter);
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

	/**
	 * Starts the other build of the app, when one is given: on PostgreSQL with a database of its own, on Redis beside
	 * the first (its keys hold a run id of their own), with the same options.
	 * @return the running app, or {@code null} when there is none to compare with
	 */
	private AppProcess startBaseline(String store, Duration recordTtl) throws Exception {
		if (this.options.baselineApp() == null) {
			return null;
		}
		String database = this.options.database() + "_baseline";
		if (store.equals("postgres")) {
			recreateDatabase(database);
		}
		Path log = AppProcess.logFile(this.options.out(), store + "-baseline");
		log("starting the baseline app for " + store + " (log: " + log + ")");
		return AppProcess.start(this.options.baselineApp(), jvmOptions(store + "-baseline"),
				arguments(store, database, recordTtl), log, Duration.ofMinutes(5));
	}

	private List<String> arguments(String store, String database, Duration recordTtl) {
		List<String> arguments = new ArrayList<>();
		switch (store) {
			case "redis" -> {
				arguments.add("--spring.profiles.active=redis,bench");
				arguments.add("--spring.data.redis.url=redis://" + this.options.redisHost() + ":"
						+ this.options.redisPort());
			}
			case "postgres" -> {
				arguments.add("--spring.profiles.active=postgres,bench");
				arguments.add("--spring.datasource.url=" + this.options.postgresUrl() + database);
				arguments.add("--spring.datasource.username=" + this.options.postgresUser());
				arguments.add("--idempotency.endpoints.bench.ttl=" + recordTtl.toMinutes() + "m");
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
		return arguments;
	}

	private List<String> jvmOptions(String name) {
		List<String> jvm = new ArrayList<>(this.options.appJvmOptions());
		if (this.options.jfr()) {
			jvm.add("-XX:StartFlightRecording=settings=default,filename="
					+ this.options.out().resolve("app-" + name + ".jfr").toAbsolutePath());
		}
		return jvm;
	}

	private void measure(String store, Scenario scenario, int connections, MeasuredPaths paths) throws Exception {
		Map<Variant, Series> series = new EnumMap<>(Variant.class);
		Variant[] variants = paths.variants();
		for (int round = 0; round < this.options.warmupRounds(); round++) {
			for (Variant variant : variants) {
				paths.rounds(variant).run(variant, scenario, connections, this.options.roundMillis());
			}
		}
		for (int round = 0; round < this.options.rounds(); round++) {
			// rotate the order so that no variant always runs first or last in a round
			for (int i = 0; i < variants.length; i++) {
				Variant variant = variants[(i + round) % variants.length];
				CpuClock cpu = paths.cpu(variant);
				CpuClock.Reading before = cpu.read();
				RoundResult result = paths.rounds(variant).run(variant, scenario, connections,
						this.options.roundMillis());
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
				for (Variant variant : MeasuredPaths.OF_ONE_APP) {
					keys.put(scenario.label() + "/" + variant.label(), rounds.prepare(variant, scenario));
				}
			}
		}
		Map<String, String> counts = new LinkedHashMap<>();
		for (Scenario scenario : Scenario.values()) {
			for (Variant variant : MeasuredPaths.OF_ONE_APP) {
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

	private void recreateDatabase(String database) throws Exception {
		try (Connection admin = DriverManager.getConnection(adminUrl()); Statement statement = admin.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
			statement.execute("CREATE DATABASE " + database);
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

	/**
	 * Where each measured path runs: the app's three, and the baseline build's library path when there is one; each
	 * round's CPU time is read from the process that served it.
	 */
	private record MeasuredPaths(LoadRound main, CpuClock mainCpu, LoadRound baseline, CpuClock baselineCpu) {

		static final Variant[] OF_ONE_APP = { Variant.PLAIN, Variant.IDEM, Variant.IDEAL };

		Variant[] variants() {
			return (this.baseline != null) ? Variant.values() : OF_ONE_APP;
		}

		LoadRound rounds(Variant variant) {
			return (variant == Variant.BASELINE) ? this.baseline : this.main;
		}

		CpuClock cpu(Variant variant) {
			return (variant == Variant.BASELINE) ? this.baselineCpu : this.mainCpu;
		}

	}

}
