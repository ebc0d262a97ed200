package io.github.idempotency.benchmarks.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ours against a peer library on the same handler and load, side by side ({@code scripts/bench-peer.sh},
 * {@code docs/benchmarks.md}). Per run and store it starts both apps at once: the sample app's {@code bench} profile
 * and the peer's bench app ({@code idempotency-benchmarks/peer-app}), which answer {@code /bench/plain} and
 * {@code /bench/idem} with the same handler. For unique keys and a replay storm, at many connections and at one, it
 * measures the four paths (two per app) in interleaved rounds, the order rotated each round and the app that goes
 * first alternating between runs. It reports each app's {@code /bench/idem} as a ratio to its own
 * {@code /bench/plain}, and ours against the peer's. Every round is checked with the apps' execution counters: a
 * first request must execute once, a replay never; otherwise the run exits 1.
 */
public final class PeerComparison {

	private static final Pattern EXECUTIONS = Pattern.compile("\"executions\"\\s*:\\s*(\\d+)");

	private final Options options;

	private final List<Cell> cells = new ArrayList<>();

	private final List<String> failures = new ArrayList<>();

	private PeerComparison(Options options) {
		this.options = options;
	}

	public static void main(String[] args) throws Exception {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		PeerComparison comparison = new PeerComparison(options);
		comparison.run();
		System.exit(comparison.failures.isEmpty() ? 0 : 1);
	}

	private void run() throws Exception {
		Files.createDirectories(this.options.out());
		String runId = UUID.randomUUID().toString().substring(0, 8);
		for (int run = 1; run <= this.options.runs(); run++) {
			for (String store : this.options.stores()) {
				runStore(store, run, runId + "-" + run + "-" + store);
			}
		}
		System.out.println();
		System.out.println(renderRuns());
		System.out.println(renderSummary());
		if (this.failures.isEmpty()) {
			System.out.println("PASS: every first request executed once and no replay executed, on both apps.");
		}
		else {
			this.failures.forEach((failure) -> System.out.println("FAIL: " + failure));
		}
	}

	private void runStore(String store, int run, String keyPrefix) throws Exception {
		boolean oursFirst = run % 2 == 1;
		List<String> ours = new ArrayList<>();
		List<String> peer = new ArrayList<>();
		String redisUrl = "redis://" + this.options.redis();
		if (store.equals("redis")) {
			ours.add("--spring.profiles.active=redis,bench");
			ours.add("--spring.data.redis.url=" + redisUrl);
			peer.add("--spring.profiles.active=redis");
			peer.add("--spring.data.redis.url=" + redisUrl + "/" + this.options.peerRedisDb());
		}
		else {
			ours.add("--spring.profiles.active=bench");
		}
		Path oursLog = AppProcess.logFile(this.options.out(), "ours-" + store + "-run" + run);
		Path peerLog = AppProcess.logFile(this.options.out(), "peer-" + store + "-run" + run);
		log("run " + run + ", " + store + ": starting both apps (logs: " + oursLog + ", " + peerLog + ")");
		try (AppProcess oursApp = AppProcess.start(this.options.ours(), this.options.appJvmOptions(), ours, oursLog,
				Duration.ofMinutes(5));
				AppProcess peerApp = AppProcess.start(this.options.peer(), this.options.appJvmOptions(), peer,
						peerLog, Duration.ofMinutes(5))) {
			List<Target> order = new ArrayList<>();
			Target[] oursTargets = { new Target(App.OURS, Variant.PLAIN, oursApp.port()),
					new Target(App.OURS, Variant.IDEM, oursApp.port()) };
			Target[] peerTargets = { new Target(App.PEER, Variant.PLAIN, peerApp.port()),
					new Target(App.PEER, Variant.IDEM, peerApp.port()) };
			Collections.addAll(order, oursFirst ? oursTargets : peerTargets);
			Collections.addAll(order, oursFirst ? peerTargets : oursTargets);
			Map<App, LoadRound> rounds = Map.of(App.OURS,
					new LoadRound("127.0.0.1", oursApp.port(), keyPrefix + "-ours", true), App.PEER,
					new LoadRound("127.0.0.1", peerApp.port(), keyPrefix + "-peer", false));
			for (Scenario scenario : Scenario.values()) {
				for (int connections : new int[] { this.options.connections(), 1 }) {
					measure(store, run, oursFirst, scenario, connections, order, rounds);
				}
			}
		}
	}

	private void measure(String store, int run, boolean oursFirst, Scenario scenario, int connections,
			List<Target> order, Map<App, LoadRound> rounds) throws Exception {
		Map<Target, Series> series = new LinkedHashMap<>();
		int total = this.options.warmupRounds() + this.options.rounds();
		for (int round = 0; round < total; round++) {
			boolean warmup = round < this.options.warmupRounds();
			// rotate the order so that no path always runs first or last in a round
			for (int i = 0; i < order.size(); i++) {
				Target target = order.get((i + round) % order.size());
				RoundResult result = checkedRound("run " + run + " " + store, scenario, connections, target,
						rounds.get(target.app()));
				if (!warmup) {
					series.computeIfAbsent(target, (t) -> new Series()).add(result);
				}
			}
		}
		Cell cell = new Cell(store, scenario, connections, run, oursFirst, series);
		this.cells.add(cell);
		log(String.format(Locale.ROOT, "run %d %s %s x%d: ours %.0f/%.0f req/s (idem/plain, %.2f), peer %.0f/%.0f (%.2f)",
				run, store, scenario.label(), connections, cell.rate(App.OURS, Variant.IDEM),
				cell.rate(App.OURS, Variant.PLAIN), cell.toPlain(App.OURS), cell.rate(App.PEER, Variant.IDEM),
				cell.rate(App.PEER, Variant.PLAIN), cell.toPlain(App.PEER)));
	}

	/**
	 * Runs one round and checks it with the app's execution counter, since the peer does not mark its replays: on
	 * a protected path every request of unique keys must execute once and no replay may execute.
	 */
	private RoundResult checkedRound(String row, Scenario scenario, int connections, Target target,
			LoadRound rounds) throws Exception {
		String roundKey = rounds.prepare(target.variant(), scenario);
		long before = executions(target.port());
		RoundResult result = rounds.run(target.variant(), scenario, connections, this.options.roundMillis(),
				roundKey);
		long executed = executions(target.port()) - before;
		// a replay storm sends a new key's first request every half of the records' lifetime (LoadRound)
		long expected = (target.variant() == Variant.IDEM && scenario == Scenario.REPLAY) ? rounds.lastRenewals()
				: result.requests();
		String where = row + " " + scenario.label() + " x" + connections + " " + target.label();
		if (executed != expected) {
			this.failures.add(where + ": " + result.requests() + " requests executed the handler " + executed
					+ " times, expected " + expected);
		}
		if (result.unexpected() > 0) {
			this.failures.add(where + ": " + result.unexpected() + " responses were not the expected 201");
		}
		return result;
	}

	private static long executions(int port) throws Exception {
		try (HttpConnection connection = new HttpConnection("127.0.0.1", port)) {
			String body = connection.fetch(new Requests("127.0.0.1", port).get("/bench/executions"));
			Matcher matcher = EXECUTIONS.matcher(body);
			if (!matcher.find()) {
				throw new IllegalStateException("Unexpected answer of /bench/executions: " + body);
			}
			return Long.parseLong(matcher.group(1));
		}
	}

	private String renderRuns() {
		StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
				"Ours vs the peer, side by side: both apps running, %d runs of %d warm-up + %d measured interleaved "
						+ "rounds of %.1f s per path%n",
				this.options.runs(), this.options.warmupRounds(), this.options.rounds(),
				this.options.roundMillis() / 1000.0));
		String format = "%-7s %-7s %5s %4s %-5s %11s %10s %8s %11s %10s %8s %10s %11s%n";
		text.append(String.format(format, "store", "keys", "conns", "run", "first", "ours plain", "ours idem",
				"x plain", "peer plain", "peer idem", "x plain", "ours/peer", "idem req/s"));
		for (Cell cell : this.cells) {
			text.append(String.format(Locale.ROOT, format, cell.store(), cell.scenario().label(), cell.connections(),
					cell.run(), cell.oursFirst() ? "ours" : "peer", round(cell.rate(App.OURS, Variant.PLAIN)),
					round(cell.rate(App.OURS, Variant.IDEM)), ratio(cell.toPlain(App.OURS)),
					round(cell.rate(App.PEER, Variant.PLAIN)), round(cell.rate(App.PEER, Variant.IDEM)),
					ratio(cell.toPlain(App.PEER)), ratio(cell.oursVsPeer()),
					ratio(cell.rate(App.OURS, Variant.IDEM) / cell.rate(App.PEER, Variant.IDEM))));
		}
		text.append("req/s: medians of the measured rounds. x plain: /bench/idem over the same app's /bench/plain. "
				+ "ours/peer: our x plain over the peer's. idem req/s: our /bench/idem over the peer's.\n");
		return text.toString();
	}

	private String renderSummary() {
		Map<String, List<Cell>> rows = new LinkedHashMap<>();
		for (Cell cell : this.cells) {
			rows.computeIfAbsent(cell.store() + " " + cell.scenario().label() + " " + cell.connections(),
					(k) -> new ArrayList<>())
				.add(cell);
		}
		StringBuilder text = new StringBuilder("Summary per row, one figure per run (ours/peer > 1: ours ahead)\n");
		String format = "%-7s %-7s %5s  %-20s %-20s %-20s %s%n";
		text.append(String.format(format, "store", "keys", "conns", "ours x plain", "peer x plain", "ours/peer",
				"ours ahead"));
		for (List<Cell> row : rows.values()) {
			Cell first = row.get(0);
			long ahead = row.stream().filter((cell) -> cell.oursVsPeer() > 1).count();
			text.append(String.format(Locale.ROOT, format, first.store(), first.scenario().label(),
					first.connections(), joined(row, (cell) -> cell.toPlain(App.OURS)),
					joined(row, (cell) -> cell.toPlain(App.PEER)), joined(row, Cell::oursVsPeer),
					ahead + "/" + row.size() + " runs"));
		}
		return text.toString();
	}

	private static String joined(List<Cell> row, java.util.function.ToDoubleFunction<Cell> figure) {
		List<String> figures = new ArrayList<>();
		for (Cell cell : row) {
			figures.add(ratio(figure.applyAsDouble(cell)));
		}
		return String.join(" ", figures);
	}

	private static String round(double rate) {
		return Long.toString(Math.round(rate));
	}

	private static String ratio(double ratio) {
		return String.format(Locale.ROOT, "%.2f", ratio);
	}

	private static void log(String message) {
		System.out.println("[bench-peer] " + message);
		System.out.flush();
	}

	private enum App {

		OURS, PEER;

		String label() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private record Target(App app, Variant variant, int port) {

		String label() {
			return this.app.label() + " " + this.variant.label();
		}

	}

	/**
	 * One store, scenario and connection count in one run: the four paths' measured rounds.
	 */
	private record Cell(String store, Scenario scenario, int connections, int run, boolean oursFirst,
			Map<Target, Series> series) {

		double rate(App app, Variant variant) {
			return this.series.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().app() == app && entry.getKey().variant() == variant)
				.findFirst()
				.orElseThrow()
				.getValue()
				.medianPerSecond();
		}

		double toPlain(App app) {
			return rate(app, Variant.IDEM) / rate(app, Variant.PLAIN);
		}

		double oursVsPeer() {
			return toPlain(App.OURS) / toPlain(App.PEER);
		}

	}

	/**
	 * The command line.
	 *
	 * @param ours the sample app's executable jar
	 * @param peer the peer's bench app's executable jar
	 * @param stores memory and/or redis
	 * @param runs how many times both apps are started and measured
	 * @param warmupRounds warm-up rounds per path before each measured series
	 * @param rounds measured rounds per path
	 * @param roundMillis length of one round
	 * @param connections connections of the throughput rows
	 * @param redis Redis host:port
	 * @param peerRedisDb the Redis database of the peer's keys, which have no prefix of their own
	 * @param out where app logs go
	 * @param appJvmOptions options of both apps' JVMs
	 */
	record Options(Path ours, Path peer, List<String> stores, int runs, int warmupRounds, int rounds,
			long roundMillis, int connections, String redis, int peerRedisDb, Path out, List<String> appJvmOptions) {

		static final String USAGE = """
				usage: PeerComparison --ours <sample-payments-app exec jar> --peer <peer-bench-app jar>
				       [--stores memory,redis] [--runs N] [--warmup-rounds N] [--rounds N] [--round-seconds S]
				       [--connections N] [--redis host:port] [--peer-redis-db N] [--out DIR] [--app-jvm "<options>"]""";

		static Options parse(String[] args) {
			Path ours = null;
			Path peer = null;
			List<String> stores = List.of("memory", "redis");
			int runs = 3;
			int warmup = 1;
			int rounds = 3;
			double seconds = 2.0;
			int connections = 32;
			String redis = "127.0.0.1:6379";
			int db = 11;
			Path out = Path.of("target", "bench-peer");
			List<String> jvm = List.of("-Xms512m", "-Xmx512m");
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				if (arg.equals("--help")) {
					throw new IllegalArgumentException(USAGE);
				}
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException("Missing value of " + arg + "\n" + USAGE);
				}
				switch (arg) {
					case "--ours" -> ours = Path.of(args[++i]);
					case "--peer" -> peer = Path.of(args[++i]);
					case "--stores" -> stores = List.of(args[++i].split(","));
					case "--runs" -> runs = Integer.parseInt(args[++i]);
					case "--warmup-rounds" -> warmup = Integer.parseInt(args[++i]);
					case "--rounds" -> rounds = Integer.parseInt(args[++i]);
					case "--round-seconds" -> seconds = Double.parseDouble(args[++i]);
					case "--connections" -> connections = Integer.parseInt(args[++i]);
					case "--redis" -> redis = args[++i];
					case "--peer-redis-db" -> db = Integer.parseInt(args[++i]);
					case "--out" -> out = Path.of(args[++i]);
					case "--app-jvm" -> jvm = List.of(args[++i].trim().split("\\s+"));
					default -> throw new IllegalArgumentException("Unknown argument " + arg + "\n" + USAGE);
				}
			}
			if (ours == null || peer == null) {
				throw new IllegalArgumentException("--ours and --peer are required\n" + USAGE);
			}
			for (String store : stores) {
				if (!List.of("memory", "redis").contains(store)) {
					throw new IllegalArgumentException("Unknown store " + store + ": memory or redis");
				}
			}
			if (runs < 1 || rounds < 1 || warmup < 0) {
				throw new IllegalArgumentException("--runs and --rounds must be at least 1\n" + USAGE);
			}
			return new Options(ours, peer, stores, runs, warmup, rounds, (long) (seconds * 1000), connections, redis,
					db, out, jvm);
		}

	}

}
