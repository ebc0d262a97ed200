package io.github.idempotency.faultsuite.scenarios;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.idempotency.faultsuite.harness.AppHttp;
import io.github.idempotency.faultsuite.harness.AppUnderTest;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.SuiteConfiguration;
import io.github.idempotency.faultsuite.killpoints.KillPoint;
import io.github.idempotency.faultsuite.stores.StoreDatabase;
import io.github.idempotency.faultsuite.stores.StoreUnderTest;
import io.github.idempotency.faultsuite.stores.Stores;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 2, kill -9 with a local effect (JPA store, join-transaction, PostgreSQL and MariaDB), on the
 * {@linkplain AppUnderTest#MINIMAL_APP minimal payments app}, whose one idempotent, transactional endpoint inserts a
 * payment row: the scenario starts 23 instances per database, each on about half the sample app's CPU. Each
 * kill finds five payments in flight: four stopped at a kill point around the business insert and the commit (inside
 * the method, before the insert, after the insert, after the commit; see {@link KillPoint}), in random order, and one
 * without a kill point, sent with a random delay before its insert a random moment before the kill, which lands
 * wherever it is. The app is killed ({@code SIGKILL}, by PID) and restarted (the next instance, started meanwhile),
 * and every key is retried until it is no longer refused. Then: exactly one business row per key (the minimal
 * app's payment table, which has no unique constraint on the key: the payment's description carries it), every record
 * finished, none left ONGOING, and a second retry of every key is a replay.
 * <p>
 * The control runs one kill with {@code join-transaction} off: the business insert commits on its own, so a kill
 * after that commit leaves the record ONGOING, and the retry pays a second time.
 */
class KillWithLocalEffectScenario {

	// renewed every third of it while a payment runs; a killed instance's claims are taken over this long after its
	// last renewal, which every kill waits for: the scenario's main wait, so it is short. Not 1 s: on a loaded
	// machine a renewal then overran its quarter of the lease, a stopped payment lost its key and was rolled back
	// before it reached its kill point
	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final int CONTROL_KILLS = 1;

	// instances started ahead of the one in use: on 2 cores, two start-ups at once keep both busy
	private static final int STARTED_AHEAD = 2;

	@Timeout(value = 30, unit = TimeUnit.MINUTES)
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "postgresql", "mariadb" })
	void everyKeyHasOneBusinessRowAndAFinishedRecordAfterAKillAnywhereAroundTheCommit(String storeName)
			throws Exception {
		// the 20 iterations in the full configuration, 2 in the short one, 1 in CI's: each needs an app start
		int kills = SuiteConfiguration.current().kills();
		long seed = System.nanoTime();
		Random random = new Random(seed);
		ExecutorService background = Executors.newCachedThreadPool();
		try (StoreUnderTest store = Stores.start(storeName);
				Instances instances = new Instances(store, true, kills, "kill-local-" + storeName, background);
				Instances controlInstances = new Instances(store, false, CONTROL_KILLS,
						"kill-local-control-" + storeName, background)) {
			StoreDatabase database = StoreDatabase.of(store);
			Run run = killAndRetry(instances, random, controlInstances, background);
			Map<String, Long> rows = run.businessRows(database);
			// the control's instances, started during the last kills, have written nothing yet
			Map<String, Long> records = database
				.counts("SELECT state, COUNT(*) FROM idempotency_record GROUP BY state ORDER BY state");
			Run control = killAndRetry(controlInstances, random, null, background);
			Map<String, Long> controlRows = control.businessRows(database);

			int keys = run.keys().size();
			long oneRow = run.keys().stream().filter((key) -> rows.getOrDefault(key.key(), 0L) == 1).count();
			long finished = records.getOrDefault("FINISHED_OK", 0L) + records.getOrDefault("FINISHED_ERROR", 0L);
			long ongoing = records.getOrDefault("ONGOING", 0L);
			long replayedAtLast = run.keys().stream().filter((key) -> key.last().replayed()).count();
			boolean passed = oneRow == keys && finished == keys && ongoing == 0 && replayedAtLast == keys;
			List<Key> twice = control.keys()
				.stream()
				.filter((key) -> controlRows.getOrDefault(key.key(), 0L) != 1)
				.toList();
			String figure = kills + " kills, " + keys + " keys (" + run.describePoints() + "); after restart and retry: "
					+ oneRow + "/" + keys + " keys with exactly one business row; records " + records + " for "
					+ keys + " keys, ONGOING " + ongoing + "; retries " + run.describeRetries() + "; second retry a "
					+ "replay " + replayedAtLast + "/" + keys + " (seed " + seed + ")";
			String verdict = passed ? "PASS" : "FAIL: " + run.describeFailures(rows);
			String controlVerdict = twice.isEmpty()
					? "PASSED (the suite fails: the control must fail): every key one row without join-transaction"
					: "failed as required: join-transaction off, " + twice.size() + "/" + control.keys().size()
							+ " keys with two business rows ("
							+ twice.stream().map(Key::point).collect(Collectors.joining(", ")) + ")";
			FaultSuiteReport.add(new FaultSuiteReport.Row("2 kill -9 with a local effect", store.name(),
					kills + " kills", figure, verdict, controlVerdict));
			assertThat(oneRow).as(run.describeFailures(rows)).isEqualTo(keys);
			assertThat(ongoing).isZero();
			assertThat(finished).isEqualTo(keys);
			assertThat(replayedAtLast).isEqualTo(keys);
			assertThat(twice).as("the control without join-transaction must pay some key twice").isNotEmpty();
		}
		finally {
			background.shutdown();
		}
	}

	/**
	 * Kills an app once per kill of {@code instances} with five payments in flight, each time retrying every key on
	 * the next instance. The next instances start ahead ({@link #STARTED_AHEAD} at a time), so that a kill finds its
	 * successor up; once this run needs no more, the next run's start in their place. Each kill's keys are retried
	 * on the successor while the next kill's payments reach their kill points there, and the successor is killed
	 * only once every retry has been answered.
	 */
	private static Run killAndRetry(Instances instances, Random random, @Nullable Instances nextRun,
			ExecutorService background) throws Exception {
		int kills = instances.kills();
		instances.startUpTo(STARTED_AHEAD);
		List<Key> keys = new ArrayList<>();
		List<CompletableFuture<Key>> retrying = List.of();
		ChildApp app = instances.get(0);
		for (int kill = 1; kill <= kills; kill++) {
			List<Key> inFlight = new ArrayList<>();
			List<KillPoint> points = new ArrayList<>(List.of(KillPoint.values()));
			Collections.shuffle(points, random);
			for (KillPoint point : points) {
				inFlight.add(send(app, point.value(), body(null), point));
			}
			ChildApp killed = app;
			await().atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> inFlight.stream()
					.allMatch((key) -> killed.log().contains(KillPoint.valueOf(key.pointName()).marker(key.key()))));
			keys.addAll(answered(retrying));
			// the fifth payment: no kill point; its delay before the insert and the moment of the kill are random
			inFlight.add(send(app, "random", body(random.nextInt(300)), null));
			Thread.sleep(random.nextInt(400));
			app.kill();
			instances.startUpTo(kill + STARTED_AHEAD);
			if (nextRun != null && kill + STARTED_AHEAD > kills) {
				nextRun.startUpTo(kill + STARTED_AHEAD - kills - 1);
			}
			app = instances.get(kill);
			ChildApp successor = app;
			retrying = inFlight.stream()
				.map((key) -> CompletableFuture.supplyAsync(() -> key.retried(successor), background))
				.toList();
		}
		keys.addAll(answered(retrying));
		instances.close();
		return new Run(keys);
	}

	private static List<Key> answered(List<CompletableFuture<Key>> retrying) throws Exception {
		List<Key> keys = new ArrayList<>();
		for (CompletableFuture<Key> retry : retrying) {
			keys.add(retry.get(3, TimeUnit.MINUTES));
		}
		return keys;
	}

	/**
	 * The app instances of one run: one more than its kills, each started in the background when asked for ahead
	 * of its use. Closing kills every instance still running, those still starting once they are up.
	 */
	private static final class Instances implements AutoCloseable {

		private final String name;

		private final Map<String, String> properties;

		private final int kills;

		private final ExecutorService background;

		private final List<CompletableFuture<ChildApp>> started = new ArrayList<>();

		Instances(StoreUnderTest store, boolean joinTransaction, int kills, String name, ExecutorService background) {
			this.name = name;
			this.properties = new HashMap<>(store.appProperties());
			this.properties.put("idempotency.jpa.join-transaction", Boolean.toString(joinTransaction));
			this.properties.put("idempotency.lease", LEASE.toSeconds() + "s");
			this.properties.put(KillPoint.PROPERTY, "true");
			// Hikari opens its whole pool (20) at start-up by default, a server process each on PostgreSQL: 0.6 s of
			// the server's CPU per start-up, of which 23 per row. The pool still grows to 20 when payments need it
			this.properties.put("spring.datasource.hikari.minimum-idle", "2");
			this.kills = kills;
			this.background = background;
		}

		int kills() {
			return this.kills;
		}

		/** Starts every instance up to {@code index} (at most the last) that has not been started. */
		synchronized void startUpTo(int index) {
			while (this.started.size() <= Math.min(index, this.kills)) {
				String instance = this.name + "-" + this.started.size();
				this.started.add(CompletableFuture
					.supplyAsync(() -> ChildApp.start(AppUnderTest.MINIMAL_APP, instance, null, this.properties,
							KillWithLocalEffectScenario::warmUp), this.background));
			}
		}

		ChildApp get(int index) throws Exception {
			startUpTo(index);
			CompletableFuture<ChildApp> instance;
			synchronized (this) {
				instance = this.started.get(index);
			}
			return instance.get(5, TimeUnit.MINUTES);
		}

		@Override
		public synchronized void close() {
			this.started.forEach((instance) -> instance.thenAccept(ChildApp::close));
		}

	}

	/**
	 * Sends an instance, before its first payment, requests that take the paths a payment takes (the dispatcher,
	 * the idempotency filter, a query on the payment table, a problem rendered) and leave no business row and no
	 * record: a missing payment, and a payment without a key. A kill's payments then reach their kill points
	 * on a successor without paying for its first requests, while the previous kill's keys wait for their lease.
	 */
	private static void warmUp(ChildApp app) {
		Answer missing = send(HttpRequest.newBuilder(app.uri("/payments/warm-up-" + UUID.randomUUID())).GET());
		Answer withoutKey = send(HttpRequest.newBuilder(app.uri("/payments"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body(null).formatted("warm-up"))));
		if (missing.status() != 404 || withoutKey.status() != 400) {
			throw new IllegalStateException("warming up " + app + ": a missing payment answered " + missing.status()
					+ ", a payment without a key " + withoutKey.status());
		}
	}

	private static String body(@Nullable Integer delayMs) {
		return "{\"amount\": 1000, \"currency\": \"EUR\", \"description\": \"%s\""
				+ ((delayMs != null) ? ", \"delayMs\": " + delayMs : "") + "}";
	}

	private static Key send(ChildApp app, String point, String body, @Nullable KillPoint killPoint) {
		String key = "kill-" + UUID.randomUUID();
		CompletableFuture<Answer> first = CompletableFuture
			.supplyAsync(() -> pay(app, key, body.formatted(key), killPoint));
		return new Key(key, point, body.formatted(key), first, null, null);
	}

	private static Answer pay(ChildApp app, String key, String body, @Nullable KillPoint killPoint) {
		HttpRequest.Builder request = HttpRequest.newBuilder(app.uri("/payments"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (killPoint != null) {
			request.header(KillPoint.HEADER, killPoint.value());
		}
		return send(request);
	}

	private static Answer send(HttpRequest.Builder request) {
		request.timeout(Duration.ofSeconds(60));
		try {
			HttpResponse<String> response = AppHttp.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(),
					response.headers().firstValue("Idempotent-Replayed").filter("true"::equals).isPresent(),
					response.body().contains("response-not-retained"));
		}
		catch (IOException ex) {
			return new Answer(0, false, false);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * An HTTP answer as this scenario needs it.
	 *
	 * @param status the status, 0 when the connection broke (the app was killed)
	 * @param replayed whether {@code Idempotent-Replayed: true}
	 * @param notRetained whether the body is a {@code response-not-retained} problem
	 */
	private record Answer(int status, boolean replayed, boolean notRetained) {
	}

	/**
	 * One key of a run: where the kill found it, and the answers before and after.
	 *
	 * @param key the idempotency key, also the payment's description
	 * @param point the kill point's name, or {@code random}
	 * @param body the request body
	 * @param first the answer of the killed app (status 0 when the kill broke it)
	 * @param retry the first answer of the next instance that was not a 409
	 * @param last the answer to one more retry after that
	 */
	private record Key(String key, String point, String body, CompletableFuture<Answer> first,
			@Nullable Answer retry, @Nullable Answer last) {

		String pointName() {
			return this.point.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
		}

		Key retried(ChildApp app) {
			// a claim left by the kill holds the key for one lease; a committed provisional record as long
			Answer retry = await().atMost(LEASE.plusSeconds(60))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> pay(app, this.key, this.body, null), (answer) -> answer.status() != 409
						&& answer.status() != 0);
			return new Key(this.key, this.point, this.body, this.first, retry, pay(app, this.key, this.body, null));
		}

	}

	private record Run(List<Key> keys) {

		Map<String, Long> businessRows(StoreDatabase database) {
			return database.counts("SELECT description, COUNT(*) FROM minimal_payment WHERE description LIKE 'kill-%' "
					+ "GROUP BY description");
		}

		String describePoints() {
			Map<String, Long> points = this.keys.stream()
				.collect(Collectors.groupingBy(Key::point, LinkedHashMap::new, Collectors.counting()));
			long completedBeforeKill = this.keys.stream()
				.filter((key) -> key.point().equals("random") && key.first().join().status() != 0)
				.count();
			return points.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + " " + entry.getValue())
				.collect(Collectors.joining(", ")) + ", of which answered before the kill " + completedBeforeKill;
		}

		String describeRetries() {
			long executed = this.keys.stream().filter((key) -> !key.retry().replayed()).count();
			long replayed = this.keys.stream().filter((key) -> key.retry().replayed()).count();
			long notRetained = this.keys.stream().filter((key) -> key.retry().notRetained()).count();
			return "executed " + executed + ", replayed " + replayed + " (" + notRetained
					+ " of them response-not-retained)";
		}

		String describeFailures(Map<String, Long> rows) {
			return this.keys.stream()
				.filter((key) -> rows.getOrDefault(key.key(), 0L) != 1 || !key.last().replayed())
				.map((key) -> key.point() + ": " + rows.getOrDefault(key.key(), 0L) + " rows, retry "
						+ key.retry() + ", last " + key.last())
				.limit(5)
				.toList()
				.toString();
		}

	}

}
