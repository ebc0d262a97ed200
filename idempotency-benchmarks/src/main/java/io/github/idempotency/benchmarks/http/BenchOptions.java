package io.github.idempotency.benchmarks.http;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The driver's command line. {@code --quick} is the short configuration CI runs: it checks that the command works
 * and that the one-execution gate holds, and its figures mean nothing.
 *
 * @param app the sample app's executable jar
 * @param stores which stores to run: memory, redis, postgres
 * @param quick whether to run the short configuration
 * @param warmupRounds warm-up rounds per variant before each measured series
 * @param rounds measured rounds per variant
 * @param roundMillis length of one round
 * @param trials keys per duplicate burst
 * @param throughputConnections connections of the throughput rows
 * @param redisHost Redis host
 * @param redisPort Redis port
 * @param postgresUrl JDBC URL of the PostgreSQL server, without a database
 * @param postgresUser PostgreSQL user
 * @param database the benchmark's own PostgreSQL database, dropped and created at the start
 * @param out where logs and recordings go
 * @param jfr whether the app records a JFR profile
 * @param appJvmOptions options of the app's JVM
 * @param memoryFill the memory store's {@code max-records} for the rows near its bound ({@link MemoryFillRun}), or 0
 * for none
 * @param sequentialKeys whether the unique keys start with a counter (as time-ordered keys do) rather than with random
 * digits (as the random UUIDs most clients send do)
 */
record BenchOptions(Path app, List<String> stores, boolean quick, int warmupRounds, int rounds, long roundMillis,
		int trials, int throughputConnections, String redisHost, int redisPort, String postgresUrl,
		String postgresUser, String database, Path out, boolean jfr, List<String> appJvmOptions, int memoryFill,
		boolean sequentialKeys) {

	static final String USAGE = """
			usage: EndToEndBenchmark --app <sample-payments-app exec jar> [--quick] [--stores memory,redis,postgres]
			       [--rounds N] [--warmup-rounds N] [--round-seconds S] [--trials N] [--connections N]
			       [--redis host:port] [--postgres jdbc:postgresql://host:port/] [--postgres-user U]
			       [--database NAME] [--out DIR] [--jfr] [--app-jvm "<options>"] [--memory-fill N]
			       [--key-order random|sequential]""";

	static BenchOptions parse(String[] args) {
		Path app = null;
		List<String> stores = List.of("memory", "redis", "postgres");
		boolean quick = false;
		Integer warmup = null;
		Integer rounds = null;
		Double seconds = null;
		Integer trials = null;
		int connections = 32;
		String redis = "127.0.0.1:6379";
		String postgres = "jdbc:postgresql://127.0.0.1:5432/";
		String user = "postgres";
		String database = "idempotency_bench";
		Path out = Path.of("target", "bench");
		boolean jfr = false;
		List<String> jvm = List.of("-Xms512m", "-Xmx512m");
		int memoryFill = 0;
		String keyOrder = "random";
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			switch (arg) {
				case "--app" -> app = Path.of(args[++i]);
				case "--stores" -> stores = List.of(args[++i].split(","));
				case "--quick" -> quick = true;
				case "--warmup-rounds" -> warmup = Integer.parseInt(args[++i]);
				case "--rounds" -> rounds = Integer.parseInt(args[++i]);
				case "--round-seconds" -> seconds = Double.parseDouble(args[++i]);
				case "--trials" -> trials = Integer.parseInt(args[++i]);
				case "--connections" -> connections = Integer.parseInt(args[++i]);
				case "--redis" -> redis = args[++i];
				case "--postgres" -> postgres = args[++i];
				case "--postgres-user" -> user = args[++i];
				case "--database" -> database = args[++i];
				case "--out" -> out = Path.of(args[++i]);
				case "--jfr" -> jfr = true;
				case "--app-jvm" -> jvm = new ArrayList<>(Arrays.asList(args[++i].trim().split("\\s+")));
				case "--memory-fill" -> memoryFill = Integer.parseInt(args[++i]);
				case "--key-order" -> keyOrder = args[++i];
				default -> throw new IllegalArgumentException("Unknown argument " + arg + "\n" + USAGE);
			}
		}
		if (app == null) {
			throw new IllegalArgumentException("--app is required\n" + USAGE);
		}
		for (String store : stores) {
			if (!List.of("memory", "redis", "postgres").contains(store)) {
				throw new IllegalArgumentException("Unknown store " + store + ": memory, redis or postgres");
			}
		}
		if (memoryFill != 0 && (memoryFill < 10_000 || !stores.contains("memory"))) {
			throw new IllegalArgumentException("--memory-fill needs the memory store and a bound of at least 10000 "
					+ "(the other rows' keys, which live 3 s, must fit too): " + memoryFill);
		}
		if (!keyOrder.equals("random") && !keyOrder.equals("sequential")) {
			throw new IllegalArgumentException("--key-order must be random or sequential: " + keyOrder);
		}
		if (!database.matches("[a-z_][a-z0-9_]*")) {
			throw new IllegalArgumentException("--database must be a plain lower-case name: " + database);
		}
		int colon = redis.lastIndexOf(':');
		return new BenchOptions(app, stores, quick, (warmup != null) ? warmup : (quick ? 1 : 2),
				(rounds != null) ? rounds : (quick ? 1 : 5),
				(long) (1000 * ((seconds != null) ? seconds : (quick ? 0.5 : 2.0))),
				(trials != null) ? trials : (quick ? 10 : 100), connections, redis.substring(0, colon),
				Integer.parseInt(redis.substring(colon + 1)), postgres, user, database, out, jfr, jvm, memoryFill,
				keyOrder.equals("sequential"));
	}

}
