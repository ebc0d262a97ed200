package io.github.idempotency.faultsuite.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.CallRecord;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.HistoryChecker;
import io.github.idempotency.faultsuite.harness.TcpProxy;
import io.github.idempotency.faultsuite.stores.RedisCommands;
import io.github.idempotency.faultsuite.stores.RedisStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 7, Redis failover. A primary and a replica ({@code redis-server} children); the app reaches the primary
 * through a forwarding address of the suite's own ({@link TcpProxy}), as clients reach a managed Redis through an
 * endpoint that a failover moves. Keys are claimed and running; then the replication link is cut (a network
 * partition: the replica keeps what it had), more keys arrive, the primary is killed ({@code SIGKILL}), the replica
 * is promoted ({@code REPLICAOF NO ONE}), a new replica is attached to it, and the address is moved to it (the
 * app's connections are reset and reconnect). Every key is then retried until it is answered.
 * <ul>
 * <li>With {@code idempotency.redis.min-replicas: 1}, a claim made after the cut is not acknowledged by the replica
 * and answers 503 without running; no claim the primary held is missing on the promoted node, and no key executes
 * twice.</li>
 * <li>Control, {@code min-replicas: 0}: the claims made after the cut exist only on the primary; once it is gone,
 * their duplicates find nothing on the promoted node and run the payment a second time. Counted.</li>
 * </ul>
 */
class RedisFailoverScenario {

	// the library's default: renewals cannot reach Redis while it fails over, so a failover (with the app's
	// reconnection) that outlasts what is left of a lease lets retries take over running executions; a 10 s lease
	// did so on the loaded machine (docs/redis.md)
	private static final Duration LEASE = Duration.ofSeconds(30);

	// the shortest of the waits that a loaded machine does not trip: a healthy replica acknowledges in
	// milliseconds, and the stopped one never
	private static final Duration REPLICA_TIMEOUT = Duration.ofMillis(500);

	private static final Duration STORE_TIMEOUT = Duration.ofSeconds(2);

	// a CPU-starved app takes seconds to set up a connection; shorter ones fail its start-up on a loaded machine
	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	// claimed while replication works, and while it is cut
	private static final int KEYS_BEFORE_CUT = 5;

	private static final int KEYS_AFTER_CUT = 5;

	// still running when the primary dies
	private static final String BODY = """
			{"amount": 900, "currency": "EUR", "description": "failover", "simulate": "slow", "delayMs": 5000}""";

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void withMinReplicasNoClaimIsLostAndNoKeyRunsTwice() throws Exception {
		try (Deployment safe = Deployment.start(1); Deployment control = Deployment.start(0)) {
			// the two start-ups overlap: each takes tens of seconds on a loaded machine
			CompletableFuture<ChildApp> startingControl = CompletableFuture
				.supplyAsync(() -> ChildApp.start("failover-min-replicas-0", "redis", control.appProperties()));
			try (ChildApp app = ChildApp.start("failover-min-replicas-1", "redis", safe.appProperties());
					ChildApp controlApp = startingControl.get()) {
				Outcome outcome = failOver(safe, app);
				Outcome controlOutcome = failOver(control, controlApp);
				FaultSuiteReport.add(new FaultSuiteReport.Row("7 redis failover", "redis primary + replica",
						"1 failover, " + (KEYS_BEFORE_CUT + KEYS_AFTER_CUT) + " keys", outcome.figure(),
						outcome.passed() ? "PASS" : "FAIL: " + outcome.failure(),
						controlOutcome.doubleExecutions() > 0
								? "failed as required (min-replicas 0): " + controlOutcome.figure()
								: "PASSED (the suite fails: the control must fail): " + controlOutcome.figure()));
				assertThat(outcome.passed()).as(outcome.failure()).isTrue();
				assertThat(controlOutcome.doubleExecutions()).as("min-replicas 0 must run a key twice: "
						+ controlOutcome.figure()).isPositive();
			}
		}
	}

	private static Outcome failOver(Deployment deployment, ChildApp app) throws Exception {
		CallHistory history = new CallHistory();
		Caller alice = new Caller(app, "alice", history);
		ExecutorService clients = Executors.newFixedThreadPool(4 * (KEYS_BEFORE_CUT + KEYS_AFTER_CUT));
		try {
			long ledgerBefore = alice.pspAttempts();
			List<String> beforeCut = keys("before-cut", KEYS_BEFORE_CUT);
			List<String> afterCut = keys("after-cut", KEYS_AFTER_CUT);
			Map<String, Future<CallRecord>> originals = new LinkedHashMap<>();
			for (String key : beforeCut) {
				originals.put(key, clients.submit(() -> alice.pay(key, BODY)));
			}
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> alice.pspAttempts() == ledgerBefore + KEYS_BEFORE_CUT);
			// the replica has everything the primary wrote so far: what it lacks later was written after the cut
			deployment.awaitReplicaInSync();
			deployment.cutReplication();
			Map<String, Future<CallRecord>> afterCutCalls = new LinkedHashMap<>();
			for (String key : afterCut) {
				afterCutCalls.put(key, clients.submit(() -> alice.pay(key, BODY)));
			}
			originals.putAll(afterCutCalls);
			// each claim after the cut either runs (it is inside the PSP call) or has been answered
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> alice.pspAttempts() - ledgerBefore - KEYS_BEFORE_CUT + afterCutCalls.values()
					.stream()
					.filter(Future::isDone)
					.count() >= KEYS_AFTER_CUT);
			long heldByPrimary = deployment.recordsOnPrimary();
			deployment.failOver();
			long heldByPromoted = deployment.recordsOnPromoted();
			inParallel(clients, originals.keySet().stream().toList(), (key) -> await()
				.atMost(LEASE.multipliedBy(2).plusSeconds(30))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> alice.pay(key, BODY),
						(call) -> call.status() != 503 && call.status() != 409 && call.status() != 0));
			Map<String, CallRecord> first = new LinkedHashMap<>();
			for (Map.Entry<String, Future<CallRecord>> original : originals.entrySet()) {
				first.put(original.getKey(), original.getValue().get(90, TimeUnit.SECONDS));
			}
			long refusedAfterCut = afterCut.stream()
				.map(first::get)
				.filter((call) -> call.status() == 503
						&& StoreDownBeforeClaimScenario.STORE_UNAVAILABLE.equals(call.problemType()))
				.count();
			Map<String, List<CallRecord>> byKey = history.byScopedKey();
			long doubleExecutions = byKey.values()
				.stream()
				.filter((calls) -> calls.stream().filter(CallRecord::isExecution).count() > 1)
				.count();
			long unanswered = byKey.values()
				.stream()
				.filter((calls) -> calls.stream().noneMatch((call) -> call.isExecution() || call.replayed()))
				.count();
			HistoryChecker.Result check = HistoryChecker.check(history, false);
			return new Outcome(deployment.minReplicas(), alice.pspAttempts() - ledgerBefore, heldByPrimary,
					heldByPromoted, refusedAfterCut, doubleExecutions, unanswered, check);
		}
		finally {
			clients.shutdownNow();
		}
	}

	private static List<String> keys(String phase, int count) {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			keys.add("failover-" + phase + "-" + UUID.randomUUID());
		}
		return keys;
	}

	private static void inParallel(ExecutorService clients, List<String> keys, Consumer<String> call)
			throws Exception {
		List<Future<?>> calls = new ArrayList<>();
		for (String key : keys) {
			calls.add(clients.submit(() -> call.accept(key)));
		}
		for (Future<?> each : calls) {
			each.get(90, TimeUnit.SECONDS);
		}
	}

	/**
	 * One Redis deployment: primary, replica (through a link that can be cut), the address the app uses, and the
	 * replica attached to the promoted node after the failover.
	 */
	private static final class Deployment implements AutoCloseable {

		private final int minReplicas;

		private final RedisStore primary;

		private final TcpProxy link;

		private final RedisStore replica;

		private final TcpProxy address;

		private RedisStore newReplica;

		private Deployment(int minReplicas, RedisStore primary, TcpProxy link, RedisStore replica,
				TcpProxy address) {
			this.minReplicas = minReplicas;
			this.primary = primary;
			this.link = link;
			this.replica = replica;
			this.address = address;
		}

		static Deployment start(int minReplicas) {
			RedisStore primary = RedisStore.start();
			TcpProxy link = TcpProxy.start(primary.server().port());
			RedisStore replica;
			try {
				replica = RedisStore.start("--replicaof", "127.0.0.1", Integer.toString(link.port()));
			}
			catch (RuntimeException ex) {
				link.close();
				primary.close();
				throw ex;
			}
			Deployment deployment = new Deployment(minReplicas, primary, link, replica,
					TcpProxy.start(primary.server().port()));
			try {
				await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(50))
					.until(() -> "up".equals(RedisCommands.info(replica.server().port(), "replication",
							"master_link_status")));
			}
			catch (RuntimeException ex) {
				deployment.close();
				throw ex;
			}
			return deployment;
		}

		int minReplicas() {
			return this.minReplicas;
		}

		Map<String, String> appProperties() {
			Map<String, String> properties = new HashMap<>();
			properties.put("spring.data.redis.url", "redis://127.0.0.1:" + this.address.port());
			properties.put("spring.data.redis.timeout", STORE_TIMEOUT.toMillis() + "ms");
			properties.put("spring.data.redis.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms");
			properties.put("idempotency.redis.key-prefix", "fault-suite:");
			properties.put("idempotency.redis.min-replicas", Integer.toString(this.minReplicas));
			properties.put("idempotency.redis.replica-timeout", REPLICA_TIMEOUT.toMillis() + "ms");
			properties.put("idempotency.lease", LEASE.toSeconds() + "s");
			return properties;
		}

		void awaitReplicaInSync() {
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> RedisCommands.info(this.primary.server().port(), "replication", "master_repl_offset")
					.equals(RedisCommands.info(this.replica.server().port(), "replication", "master_repl_offset")));
		}

		/** A partition between primary and replica: the replica keeps what it has and receives nothing more. */
		void cutReplication() {
			this.link.cut();
			// the primary counts its replicas by their connections: gone once it has seen the reset
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> "0".equals(RedisCommands.info(this.primary.server().port(), "replication",
						"connected_slaves")));
		}

		long recordsOnPrimary() {
			return Long.parseLong(RedisCommands.call(this.primary.server().port(), "DBSIZE"));
		}

		long recordsOnPromoted() {
			return Long.parseLong(RedisCommands.call(this.replica.server().port(), "DBSIZE"));
		}

		/**
		 * Kills the primary, promotes the replica, moves the app's address to it, and attaches a new replica to it,
		 * so that {@code min-replicas: 1} can be met again (claims answer 503 until then).
		 */
		void failOver() {
			this.primary.server().kill();
			int promoted = this.replica.server().port();
			RedisCommands.call(promoted, "REPLICAOF", "NO", "ONE");
			this.address.retarget(promoted);
			this.newReplica = RedisStore.start("--replicaof", "127.0.0.1", Integer.toString(promoted));
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> "up".equals(RedisCommands.info(this.newReplica.server().port(), "replication",
						"master_link_status")));
		}

		@Override
		public void close() {
			this.address.close();
			this.link.close();
			if (this.newReplica != null) {
				this.newReplica.close();
			}
			this.replica.close();
			this.primary.close();
		}

	}

	/**
	 * What one failover did.
	 *
	 * @param minReplicas the setting
	 * @param ledger PSP calls for the keys
	 * @param heldByPrimary records on the primary just before it was killed
	 * @param heldByPromoted records on the replica once promoted
	 * @param refusedAfterCut first requests after the cut answered 503 store-unavailable
	 * @param doubleExecutions keys executed more than once
	 * @param unanswered keys never executed nor replayed
	 * @param check the history's check
	 */
	private record Outcome(int minReplicas, long ledger, long heldByPrimary, long heldByPromoted,
			long refusedAfterCut, long doubleExecutions, long unanswered, HistoryChecker.Result check) {

		long lostClaims() {
			return Math.max(0, this.heldByPrimary - this.heldByPromoted);
		}

		boolean passed() {
			return lostClaims() == 0 && this.doubleExecutions == 0 && this.unanswered == 0
					&& this.ledger == KEYS_BEFORE_CUT + KEYS_AFTER_CUT && this.refusedAfterCut == KEYS_AFTER_CUT
					&& this.check.passed();
		}

		String figure() {
			return "min-replicas " + this.minReplicas + ": claims lost in the failover " + lostClaims() + " of "
					+ this.heldByPrimary + " held by the primary; " + this.refusedAfterCut + "/" + KEYS_AFTER_CUT
					+ " claims after the cut answered 503; keys executed twice " + this.doubleExecutions + " of "
					+ (KEYS_BEFORE_CUT + KEYS_AFTER_CUT) + " (" + this.ledger + " PSP calls)";
		}

		String failure() {
			List<String> reasons = new ArrayList<>();
			if (this.unanswered != 0) {
				reasons.add(this.unanswered + " keys never executed nor replayed");
			}
			reasons.addAll(this.check.violations());
			return figure() + (reasons.isEmpty() ? "" : "; " + String.join("; ", reasons));
		}

	}

}
