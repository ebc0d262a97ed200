package io.github.idempotency.benchmarks.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory store near its bound (issue 12, item 6), end to end: {@code --memory-fill N} starts the memory app with
 * {@code idempotency.memory.max-records=N} and, after the usual rows, measures in interleaved rounds
 * <ul>
 * <li>first requests (unique keys on {@code /bench/idem}) on an empty store, and on a store pre-filled with records in
 * force to within the room the run's own keys need of its bound, the fill toggled between rounds, with
 * {@code /bench/plain} as the floor;</li>
 * <li>on the store filled to its bound: new keys on {@code /bench/idem-long}, each answered 503, against the replay of
 * a key the store held before it was filled, on the same path; both once on keep-alive connections, and once with
 * every request on a new connection ({@code Connection: close}), in the same rounds.</li>
 * </ul>
 * The sample app's {@code MemoryStoreFill} (bench profile only) fills and empties the store directly, in a second or
 * less for 100,000 records on a quiet machine. The run's own records live 3 s on {@code /bench/idem}; the room left
 * for them is twice what the warm-up showed they hold at once ({@link #roomForOwnKeys}), so that no first request of
 * a filled round is refused: one that is fails the run, as any unexpected answer does. Tomcat closes the connection
 * after a 503; the driver opens a new one for the next request, as a client must, and counts them. So on keep-alive
 * connections a 503 pays for a connection that a replay does not: the pair sent with {@code Connection: close}
 * pays for one connection per request on both sides, and its ratio is the library's own (issue 12's "the 503 path
 * costs no more than a replay"); the keep-alive pair is what a client of Tomcat gets.
 */
final class MemoryFillRun {

	private static final String IDEM = Variant.IDEM.path();

	private static final String IDEM_LONG = "/bench/idem-long";

	/** How long the records of {@code /bench/idem} live ({@code idempotency.endpoints.bench.ttl} of the profile). */
	private static final long RECORD_SECONDS = LoadRound.BENCH_RECORD_TTL.toSeconds();

	private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":(\\d+)");

	private final BenchOptions options;

	private final LoadRound rounds;

	private final Requests requests;

	private final String host;

	private final int port;

	private final List<Block> blocks = new ArrayList<>();

	private final Map<String, long[]> reconnects = new LinkedHashMap<>();

	private final List<String> failures;

	private int filledTo;

	private int currentFill = -1;

	MemoryFillRun(BenchOptions options, String host, int port, String runId, List<String> failures) {
		this.options = options;
		this.host = host;
		this.port = port;
		this.rounds = new LoadRound(host, port, runId + "-fill");
		this.requests = new Requests(host, port);
		this.failures = failures;
	}

	/**
	 * Measures both comparisons at the throughput connection count and at one connection.
	 * @throws Exception when the app fails
	 */
	void run() throws Exception {
		int bound = this.options.memoryFill();
		// the full store first: it needs the other rows' records gone, and the first requests' rounds leave more
		awaitOnlyFillRecords();
		String heldKey = this.rounds.prepare(IDEM_LONG, Scenario.REPLAY);
		Map<String, Long> full = call("/bench/memory/fill?records=" + bound);
		if (full.get("size") != bound) {
			throw new IllegalStateException("The memory store was not filled to its bound " + bound + ": " + full);
		}
		log("memory store filled to its bound: " + full);
		for (int connections : connectionCounts()) {
			Map<String, Series> series = interleave(List.of(
					new Step("plain", Variant.PLAIN.path(), Scenario.UNIQUE, (status) -> status == 201, null, null),
					new Step("replay", IDEM_LONG, Scenario.REPLAY, (status) -> status == -201, null, heldKey),
					new Step("503", IDEM_LONG, Scenario.UNIQUE, (status) -> status == 503, null, null),
					new Step("replay-close", IDEM_LONG, Scenario.REPLAY, (status) -> status == -201, null, heldKey,
							true),
					new Step("503-close", IDEM_LONG, Scenario.UNIQUE, (status) -> status == 503, null, null, true)),
					connections);
			this.blocks.add(new Block("full", connections, series,
					Map.of("503", "replay", "503-close", "replay-close")));
		}
		Map<String, Long> drained = call("/bench/memory/drain");
		log("memory store emptied of its fill: " + drained);
		int room = roomForOwnKeys();
		this.filledTo = Math.max(0, bound - room);
		log("first requests on a store pre-filled with " + this.filledTo + " of " + bound + " records ("
				+ room + " left for the run's own keys)");
		for (int connections : connectionCounts()) {
			Map<String, Series> series = interleave(List.of(
					new Step("plain", Variant.PLAIN.path(), Scenario.UNIQUE, (status) -> status == 201, Fill.EMPTY,
							null),
					new Step("empty", IDEM, Scenario.UNIQUE, (status) -> status == 201, Fill.EMPTY, null),
					new Step("filled", IDEM, Scenario.UNIQUE, (status) -> status == 201, Fill.FILLED, null)),
					connections);
			this.blocks.add(new Block("first", connections, series, Map.of("filled", "empty")));
		}
		call("/bench/memory/drain");
	}

	private int[] connectionCounts() {
		return new int[] { this.options.throughputConnections(), 1 };
	}

	/**
	 * Warm-up and measured rounds of each step, the order rotated each round. A step with a {@link Fill} runs while
	 * the store holds it; the fill changes only between steps, once a round.
	 */
	private Map<String, Series> interleave(List<Step> steps, int connections) throws Exception {
		Map<String, Series> series = new LinkedHashMap<>();
		for (int round = 0; round < this.options.warmupRounds() + this.options.rounds(); round++) {
			boolean measured = round >= this.options.warmupRounds();
			List<Step> order = new ArrayList<>();
			for (int i = 0; i < steps.size(); i++) {
				order.add(steps.get((i + round) % steps.size()));
			}
			// the steps of the fill the store holds first: one fill or drain per round, and each fill first in
			// every other round
			Fill current = (this.currentFill == 0) ? Fill.EMPTY : Fill.FILLED;
			order.sort(Comparator.comparingInt((step) -> (step.fill == null || step.fill == current) ? 0 : 1));
			for (Step step : order) {
				String roundKey = (step.heldKey != null) ? step.heldKey
						: this.rounds.prepare(step.path, Scenario.UNIQUE);
				if (step.fill == Fill.EMPTY) {
					ensureFill(0);
				}
				else if (step.fill == Fill.FILLED) {
					ensureFill(this.filledTo);
				}
				RoundResult result = this.rounds.run(step.path, step.scenario, step.expected, connections,
						this.options.roundMillis(), roundKey, step.closeEach);
				if (result.unexpected() > 0) {
					this.failures.add("memory near its bound, " + step.label + " x" + connections + ": "
							+ result.unexpected() + " of " + result.requests() + " responses were not the expected "
							+ describe(step));
				}
				if (step.closeEach && this.rounds.lastReconnects() != result.requests()) {
					// the pair compares like with like only if both really paid for one connection per request
					this.failures.add("memory near its bound, " + step.label + " x" + connections + ": "
							+ this.rounds.lastReconnects() + " connections for " + result.requests()
							+ " requests sent with Connection: close");
				}
				if (measured) {
					series.computeIfAbsent(step.label, (label) -> new Series()).add(result);
					long[] counts = this.reconnects.computeIfAbsent(step.label + "/" + connections,
							(key) -> new long[2]);
					counts[0] += this.rounds.lastReconnects();
					counts[1] += result.requests();
				}
			}
		}
		Map<String, Series> inStepOrder = new LinkedHashMap<>();
		steps.forEach((step) -> inStepOrder.put(step.label, series.get(step.label)));
		StringBuilder summary = new StringBuilder();
		inStepOrder.forEach((label, s) -> summary.append(label).append(' ').append(Math.round(s.medianPerSecond()))
			.append(" req/s  "));
		log("memory near its bound x" + connections + ": " + summary.toString().trim());
		return inStepOrder;
	}

	private void ensureFill(int records) throws Exception {
		if (records == this.currentFill) {
			return;
		}
		Map<String, Long> state = call("/bench/memory/drain");
		if (records > 0) {
			state = call("/bench/memory/fill?records=" + records);
			if (state.get("filled") != records) {
				throw new IllegalStateException("The memory store took " + state.get("filled") + " of " + records
						+ " fill records, the run's own keys holding more room than the warm-up showed: " + state);
			}
		}
		this.currentFill = records;
	}

	/**
	 * Room for the records the run's own first requests hold at once: twice the most that warm-up rounds on the empty
	 * store left in force, or twice what their best rate holds for the records' life (they expire in the order they
	 * were written), whichever is more, and at least 1,000.
	 */
	private int roomForOwnKeys() throws Exception {
		this.currentFill = 0;
		long most = 0;
		double fastest = 0;
		for (int round = 0; round < Math.max(1, this.options.warmupRounds()); round++) {
			RoundResult result = this.rounds.run(IDEM, Scenario.UNIQUE, (status) -> status == 201,
					this.options.throughputConnections(), this.options.roundMillis(),
					this.rounds.prepare(IDEM, Scenario.UNIQUE));
			fastest = Math.max(fastest, result.perSecond());
			Map<String, Long> state = call("/bench/memory");
			most = Math.max(most, state.get("size") - state.get("filled"));
		}
		return (int) Math.max(1_000, 2 * Math.max(most, Math.ceil(fastest * RECORD_SECONDS)));
	}

	/** Waits until every record but the fill has expired and been removed (other rows' keys live 3 s). */
	private void awaitOnlyFillRecords() throws Exception {
		long deadline = System.nanoTime() + 60_000_000_000L;
		while (true) {
			Map<String, Long> state = call("/bench/memory/purge");
			if (state.get("size").equals(state.get("filled"))) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Records other than the fill did not expire within 60 s: " + state);
			}
			Thread.sleep(250);
		}
	}

	private Map<String, Long> call(String path) throws Exception {
		String body;
		try (HttpConnection connection = new HttpConnection(this.host, this.port)) {
			body = connection.fetch(path.equals("/bench/memory") ? this.requests.get(path)
					: this.requests.postEmpty(path));
		}
		Map<String, Long> values = new LinkedHashMap<>();
		Matcher matcher = NUMBER.matcher(body);
		while (matcher.find()) {
			values.put(matcher.group(1), Long.parseLong(matcher.group(2)));
		}
		if (!values.containsKey("size")) {
			throw new IllegalStateException(path + " answered " + body);
		}
		return values;
	}

	private static String describe(Step step) {
		return switch (step.label) {
			case "503", "503-close" -> "503 of a full store";
			case "replay", "replay-close" -> "replayed 201";
			default -> "first-request 201";
		};
	}

	/**
	 * The rows of both comparisons.
	 * @return the table
	 */
	String render() {
		int bound = this.options.memoryFill();
		StringBuilder text = new StringBuilder(String.format(
				"%nMemory store near its bound (idempotency.memory.max-records=%d): %d warm-up + %d measured "
						+ "interleaved rounds of %.1f s per row%n",
				bound, this.options.warmupRounds(), this.options.rounds(), this.options.roundMillis() / 1000.0));
		String format = "%-34s %5s %-22s %26s %7s %-22s %7s %7s %9s%n";
		text.append(String.format(format, "store", "conns", "requests", "req/s median (min-max)", "x plain",
				"ratio", "p50 us", "p99 us", "new conn."));
		for (Block block : this.blocks) {
			Series plain = block.series.get("plain");
			for (Map.Entry<String, Series> row : block.series.entrySet()) {
				Series series = row.getValue();
				String label = row.getKey();
				String store = switch (label) {
					case "empty" -> "empty";
					case "filled" -> String.format("pre-filled, %d of %d in force", this.filledTo, bound);
					case "plain" -> "(no store)";
					default -> String.format("full, %d of %d in force", bound, bound);
				};
				String requests = switch (label) {
					case "plain" -> "/bench/plain";
					case "empty", "filled" -> "first (idem)";
					case "replay" -> "replay (idem-long)";
					case "replay-close" -> "replay, conn. close";
					case "503-close" -> "new key -> 503, close";
					default -> "new key -> 503";
				};
				String ratio = "";
				String reference = block.ratios.get(label);
				if (reference != null) {
					ratio = String.format("%.2f x %s", series.medianPerSecond()
							/ block.series.get(reference).medianPerSecond(), reference);
				}
				String rate = String.format("%d (%d-%d)", Math.round(series.medianPerSecond()),
						Math.round(series.minPerSecond()), Math.round(series.maxPerSecond()));
				long[] counts = this.reconnects.get(label + "/" + block.connections);
				String newConnections = String.format("%.2f", (double) counts[0] / Math.max(1, counts[1]));
				text.append(String.format(format, store, block.connections, requests, rate,
						String.format("%.2f", series.medianPerSecond() / plain.medianPerSecond()), ratio,
						series.percentileMicros(50), series.percentileMicros(99), newConnections));
			}
		}
		text.append("Ratios of medians of req/s: filled over empty, 503 over replay (above 1: the 503 is cheaper). New "
				+ "conn.: connections opened per request because the server closed the last one (Tomcat closes "
				+ "after a 503). The rows marked close send every request on a new connection (Connection: close), "
				+ "so the 503 and the replay pay for one connection each: 503-close over replay-close is the "
				+ "library's own ratio; 503 over replay, on keep-alive connections, is what a client of Tomcat "
				+ "gets.\n");
		return text.toString();
	}

	private static void log(String message) {
		System.out.println("[bench] " + message);
		System.out.flush();
	}

	/**
	 * One kind of round.
	 * @param label its row
	 * @param path where it sends
	 * @param scenario its keys
	 * @param expected the answer it must get
	 * @param fill the store's fill while it runs, or {@code null}: as it is
	 * @param heldKey for a replay, the key replayed
	 * @param closeEach whether every request goes on a new connection, with {@code Connection: close}
	 */
	private record Step(String label, String path, Scenario scenario, IntPredicate expected, Fill fill,
			String heldKey, boolean closeEach) {

		Step(String label, String path, Scenario scenario, IntPredicate expected, Fill fill, String heldKey) {
			this(label, path, scenario, expected, fill, heldKey, false);
		}

	}

	/** The fill records a step runs with. */
	private enum Fill {

		/** None. */
		EMPTY,

		/** To within the room of the run's own keys of the bound. */
		FILLED

	}

	/**
	 * The rows of one comparison at one connection count.
	 * @param kind which comparison
	 * @param connections how many connections sent at once
	 * @param series the rows, in the order printed
	 * @param ratios the rows that get a ratio, each to the row it is compared with
	 */
	private record Block(String kind, int connections, Map<String, Series> series, Map<String, String> ratios) {
	}

}
