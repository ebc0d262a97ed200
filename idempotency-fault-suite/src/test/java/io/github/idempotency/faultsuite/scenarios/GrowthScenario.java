package io.github.idempotency.faultsuite.scenarios;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import io.github.idempotency.faultsuite.harness.AppHttp;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.HeapProbe;
import io.github.idempotency.faultsuite.stores.MemoryStore;
import io.github.idempotency.faultsuite.stores.PostgresStore;
import io.github.idempotency.faultsuite.stores.RedisStore;
import io.github.idempotency.faultsuite.stores.StoreDatabase;
import io.github.idempotency.faultsuite.stores.StoreUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 14, growth. Three apps, one per store (memory, Redis, PostgreSQL), each get fresh keys at a steady rate
 * on a test-only idempotent endpoint that keeps nothing per request (see {@code faultsuite.blobs}), for a while much
 * longer than the TTL. At every sample, per app:
 * <ul>
 * <li>the records stored (the memory store's {@code idempotency.memory.records} gauge, every key of the Redis, the
 * table's rows) are at most the requests answered in the last TTL (plus, for the table, one purge interval, whose
 * purge deletes the expired rows) and 5 s of slack, plus those in flight: what has expired is gone;</li>
 * <li>the heap used after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}, by PID) never grows more than
 * 10 % above the first sample's. A sample below it is shown, not failed: a JVM releases start-up caches held by
 * soft references later, which is no growth.</li>
 * </ul>
 * The default is a short run (60 s, TTL 10 s, a sample every 10 s); {@code -Dfault-suite.growth=long} runs the
 * issue's 10 minutes with a TTL of 60 s and a sample every minute.
 */
class GrowthScenario {

	/** The system property that selects the 10-minute run. */
	static final String LONG_PROPERTY = "fault-suite.growth";

	private static final Settings SHORT = new Settings("60 s", Duration.ofSeconds(60), SharedApps.BLOB_TTL,
			Duration.ofSeconds(10), SharedApps.PURGE_INTERVAL);

	private static final Settings LONG = new Settings("10 min", Duration.ofMinutes(10), Duration.ofSeconds(60),
			Duration.ofSeconds(60), Duration.ofSeconds(30));

	// requests per second and app
	private static final int RATE = 10;

	private static final int MAX_IN_FLIGHT = 8;

	private static final Duration SLACK = Duration.ofSeconds(5);

	private static final double HEAP_TOLERANCE = 0.10;

	@Test
	@Timeout(value = 25, unit = TimeUnit.MINUTES)
	void storedRecordsAndTheHeapStayBoundedAtASteadyRate() throws Exception {
		Settings settings = "long".equals(System.getProperty(LONG_PROPERTY)) ? LONG : SHORT;
		// both stores emptied for this scenario, so that every record in them is one of its own
		try (RedisStore redis = RedisStore.shared(); PostgresStore postgres = PostgresStore.start(true)) {
			MemoryStore memory = new MemoryStore();
			StoreDatabase table = StoreDatabase.of(postgres);
			CompletableFuture<ChildApp> startingMemory = start(memory, settings);
			CompletableFuture<ChildApp> startingRedis = start(redis, settings);
			CompletableFuture<ChildApp> startingPostgres = start(postgres, settings);
			try (ChildApp memoryApp = startingMemory.get(5, TimeUnit.MINUTES);
					ChildApp redisApp = startingRedis.get(5, TimeUnit.MINUTES);
					ChildApp postgresApp = startingPostgres.get(5, TimeUnit.MINUTES)) {
				List<Load> loads = List.of(
						new Load(memory.name(), memoryApp, settings.ttl(),
								() -> memoryRecords(memoryApp)),
						new Load(redis.name(), redisApp, settings.ttl(), () -> redis.keys().size()),
						new Load(postgres.name(), postgresApp, settings.ttl().plus(settings.purgeInterval()),
								() -> table.count("SELECT COUNT(*) FROM idempotency_record")));
				ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
				ExecutorService clients = Executors.newFixedThreadPool(loads.size() * MAX_IN_FLIGHT);
				try {
					for (Load load : loads) {
						ticks.scheduleAtFixedRate(() -> load.tick(clients), 0, 1000 / RATE, TimeUnit.MILLISECONDS);
					}
					long start = System.nanoTime();
					int samples = (int) (settings.duration().toSeconds() / settings.interval().toSeconds());
					for (int i = 1; i <= samples; i++) {
						long due = start + settings.interval().toNanos() * i;
						TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
						for (Load load : loads) {
							load.sample();
						}
					}
				}
				finally {
					// the requests in flight finish: one cut off here would count as not answered
					ticks.shutdownNow();
					clients.shutdown();
					if (!clients.awaitTermination(1, TimeUnit.MINUTES)) {
						clients.shutdownNow();
					}
				}
				for (Load load : loads) {
					FaultSuiteReport.add(new FaultSuiteReport.Row("14 growth", load.store(),
							settings.name() + ", TTL " + settings.ttl().toSeconds() + " s",
							load.describe(), load.passed() ? "PASS" : "FAIL: " + load.failures(),
							"n/a"));
				}
				for (Load load : loads) {
					assertThat(load.failures()).as(load.store() + ": " + load.describe()).isEmpty();
				}
			}
		}
	}

	/**
	 * The default run uses the apps that other scenarios share (their blob endpoint has its TTL and purge
	 * interval), except for the memory store, whose every record would count; the long run starts its own.
	 */
	private static CompletableFuture<ChildApp> start(StoreUnderTest store, Settings settings) {
		Map<String, String> properties = SharedApps.properties(store);
		properties.put("idempotency.endpoints.blobs.ttl", settings.ttl().toSeconds() + "s");
		properties.put("idempotency.jpa.purge-interval", settings.purgeInterval().toSeconds() + "s");
		boolean shared = settings == SHORT && !(store instanceof MemoryStore);
		String name = "growth-" + store.name().replace(' ', '-');
		return CompletableFuture.supplyAsync(() -> shared ? SharedApps.of(store)
				: ChildApp.start(name, store.profile(), properties));
	}

	private static long memoryRecords(ChildApp app) {
		String metrics = get(app, "/actuator/prometheus");
		for (String line : metrics.split("\n")) {
			if (line.startsWith("idempotency_memory_records")) {
				return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		throw new IllegalStateException("no idempotency_memory_records gauge");
	}

	private static String get(ChildApp app, String path) {
		try {
			return AppHttp.CLIENT.send(HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * One configuration.
	 *
	 * @param name its name for the report
	 * @param duration how long the load runs
	 * @param ttl the records' TTL
	 * @param interval time between samples
	 * @param purgeInterval the JPA store's purge interval
	 */
	private record Settings(String name, Duration duration, Duration ttl, Duration interval, Duration purgeInterval) {
	}

	/** The steady load on one app, and what its samples found. */
	private static final class Load {

		private final String store;

		private final ChildApp app;

		// records may outlive the TTL by this much before they must be gone
		private final Duration lifetime;

		private final LongSupplier records;

		// when each answer arrived: its record expires at most one lifetime later
		private final ConcurrentLinkedQueue<Long> answered = new ConcurrentLinkedQueue<>();

		private final AtomicInteger inFlight = new AtomicInteger();

		private final AtomicInteger skipped = new AtomicInteger();

		private final AtomicInteger failed = new AtomicInteger();

		private final AtomicInteger executed = new AtomicInteger();

		private final List<long[]> samples = new ArrayList<>();

		Load(String store, ChildApp app, Duration lifetime, LongSupplier records) {
			this.store = store;
			this.app = app;
			this.lifetime = lifetime;
			this.records = records;
		}

		String store() {
			return this.store;
		}

		void tick(ExecutorService clients) {
			if (this.inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
				// the app is behind: the rate drops rather than the queue grows
				this.inFlight.decrementAndGet();
				this.skipped.incrementAndGet();
				return;
			}
			clients.execute(() -> {
				try {
					int status = post(this.app, "growth-" + UUID.randomUUID());
					this.answered.add(System.nanoTime());
					if (status == 201) {
						this.executed.incrementAndGet();
					}
					else {
						this.failed.incrementAndGet();
					}
				}
				finally {
					this.inFlight.decrementAndGet();
				}
			});
		}

		/**
		 * Samples {records, bound, heap bytes after a full GC}. The bound counts the answers of the last lifetime
		 * (and slack), whose records may still be there, and the requests in flight, whose records may already be.
		 */
		void sample() {
			long since = System.nanoTime() - this.lifetime.plus(SLACK).toNanos();
			long records = this.records.getAsLong();
			long bound = this.answered.stream().filter((time) -> time >= since).count() + MAX_IN_FLIGHT;
			long heap = HeapProbe.usedAfterFullGc(this.app.pid());
			this.samples.add(new long[] { records, bound, heap });
		}

		List<String> failures() {
			List<String> failures = new ArrayList<>();
			for (int i = 0; i < this.samples.size(); i++) {
				long[] sample = this.samples.get(i);
				if (sample[0] > sample[1]) {
					failures.add("sample " + (i + 1) + ": " + sample[0] + " records, more than the bound " + sample[1]);
				}
			}
			// growth fails; a heap below the first sample's (start-up caches released later) is shown, not failed
			long first = this.samples.isEmpty() ? 0 : this.samples.get(0)[2];
			for (int i = 1; i < this.samples.size(); i++) {
				long heap = this.samples.get(i)[2];
				if (heap - first > first * HEAP_TOLERANCE) {
					failures.add("sample " + (i + 1) + ": heap " + mib(heap) + " MiB, first " + mib(first) + " MiB");
				}
			}
			if (this.failed.get() > 0) {
				failures.add(this.failed.get() + " requests not answered 201");
			}
			return failures;
		}

		boolean passed() {
			return failures().isEmpty();
		}

		String describe() {
			long first = this.samples.get(0)[2];
			long highest = this.samples.stream().mapToLong((sample) -> sample[2]).max().orElse(0);
			long lowest = this.samples.stream().mapToLong((sample) -> sample[2]).min().orElse(0);
			return this.executed.get() + " executions at " + RATE + "/s (" + this.skipped.get()
					+ " ticks skipped while " + MAX_IN_FLIGHT + " were in flight); records per sample "
					+ this.samples.stream().map((sample) -> Long.toString(sample[0])).collect(Collectors.joining(","))
					+ ", each at most the answers of the last " + this.lifetime.plus(SLACK).toSeconds() + " s + "
					+ MAX_IN_FLIGHT + " in flight ("
					+ this.samples.stream().map((sample) -> Long.toString(sample[1])).collect(Collectors.joining(","))
					+ "); heap after full GC " + this.samples.stream()
						.map((sample) -> String.format(java.util.Locale.ROOT, "%.1f", sample[2] / 1048576.0))
						.collect(Collectors.joining(","))
					+ " MiB: from the first " + percent(highest, first) + " % to " + percent(lowest, first) + " %";
		}

		private static String percent(long heap, long first) {
			return String.format(java.util.Locale.ROOT, "%+.1f", 100.0 * (heap - first) / first);
		}

		private static String mib(long bytes) {
			return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
		}

		private static int post(ChildApp app, String key) {
			try {
				return AppHttp.CLIENT.send(HttpRequest.newBuilder(app.uri("/fault-suite/blobs?size=256"))
					.timeout(Duration.ofSeconds(30))
					.header("Authorization", AppHttp.ALICE)
					.header("Idempotency-Key", key)
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
			}
			catch (IOException ex) {
				return 0;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return 0;
			}
		}

	}

}
