package io.github.idempotency.faultsuite.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.faultsuite.broken.BrokenSetting;
import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.CallRecord;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.stores.RedisStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 4, a paused owner is fenced. Two instances share one Redis. Instance A holds a claim and is frozen
 * ({@code SIGSTOP}) past its lease; B takes the key over and finishes; A is thawed ({@code SIGCONT}) and tries to
 * complete. A's completion is refused and counted ({@code idempotency.fenced.writes}), and every later replay, on
 * either instance, is B's response. Control: a completion without fencing, where A's late response overwrites B's.
 * <p>
 * Second figure: with renewal working and no pause, a method that runs for two leases is never taken over; the
 * control without renewal is taken over.
 */
class PausedOwnerScenario {

	private static final Duration LEASE = Duration.ofSeconds(3);

	private static final int RENEWAL_RUNS = 20;

	// A is frozen while the PSP call sleeps, so it still has this long to run once thawed
	private static final String PAUSED_BODY = """
			{"amount": 1500, "currency": "EUR", "description": "paused owner", "simulate": "slow", "delayMs": 2000}""";

	// two leases long: only renewals keep the claim
	private static final String SLOW_BODY = """
			{"amount": 1600, "currency": "EUR", "description": "slow owner", "simulate": "slow", "delayMs": 6000}""";

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void aPausedOwnersCompletionIsRefusedAndASlowLiveOwnerIsNeverTakenOver() throws Exception {
		try (RedisStore store = RedisStore.start()) {
			Map<String, String> properties = new HashMap<>(store.appProperties());
			properties.put("idempotency.lease", LEASE.toSeconds() + "s");
			// one pair of instances for all four phases: each control switches both to its broken setting, and
			// the next phase repairs them
			properties.put(BrokenSetting.PROPERTY, "none");
			// the two start-ups overlap: each takes tens of seconds on a loaded machine
			CompletableFuture<ChildApp> startingB = CompletableFuture
				.supplyAsync(() -> ChildApp.start("paused-owner-b", "redis", properties));
			try (ChildApp a = ChildApp.start("paused-owner-a", "redis", properties); ChildApp b = startingB.get()) {
				Fencing fencing = pauseAndTakeOver(a, b);
				breakBoth(a, b, BrokenSetting.UNFENCED_COMPLETION);
				Fencing fencingControl = pauseAndTakeOver(a, b);
				FaultSuiteReport.add(new FaultSuiteReport.Row("4 paused owner fenced", "redis", "1",
						"paused completion refused and counted: " + fencing.fencedWrites() + " fenced writes; replays "
								+ fencing.replaysOfB() + "/" + fencing.replays() + " are the second execution's",
						fencing.passed() ? "PASS" : "FAIL: " + fencing,
						fencingControl.passed() ? "PASSED (the suite fails: the control must fail)"
								: "failed as required: replays of the second execution " + fencingControl.replaysOfB()
										+ "/" + fencingControl.replays()));

				breakBoth(a, b, null);
				long takeovers = slowOwners(a, b);
				breakBoth(a, b, BrokenSetting.NO_RENEWAL);
				long takeoversWithoutRenewal = slowOwners(a, b);
				FaultSuiteReport.add(new FaultSuiteReport.Row("4 slow live owner kept", "redis",
						Integer.toString(RENEWAL_RUNS),
						"taken over " + takeovers + " in " + RENEWAL_RUNS + " runs of two leases",
						(takeovers == 0) ? "PASS" : "FAIL",
						(takeoversWithoutRenewal == 0) ? "PASSED (the suite fails: the control must fail)"
								: "failed as required: taken over " + takeoversWithoutRenewal + " in " + RENEWAL_RUNS
										+ " without renewal"));

				assertThat(fencing.passed()).as(fencing.toString()).isTrue();
				assertThat(fencingControl.passed()).as("unfenced control must fail: " + fencingControl).isFalse();
				assertThat(takeovers).isZero();
				assertThat(takeoversWithoutRenewal).isPositive();
			}
		}
	}

	private static void breakBoth(ChildApp a, ChildApp b, BrokenSetting setting) {
		a.breakWith(setting);
		b.breakWith(setting);
	}

	private static Fencing pauseAndTakeOver(ChildApp a, ChildApp b) throws Exception {
		CallHistory history = new CallHistory();
		Caller onA = new Caller(a, "alice", history);
		Caller onB = new Caller(b, "alice", history);
		String key = "paused-" + UUID.randomUUID();
		long attemptsOnA = onA.pspAttempts();
		long fencedBefore = onA.fencedWritesMetric();
		CompletableFuture<CallRecord> first = CompletableFuture.supplyAsync(() -> onA.pay(key, PAUSED_BODY));
		// A is inside the PSP call: its claim is held
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> onA.pspAttempts() == attemptsOnA + 1);
		a.pause();
		CallRecord second;
		try {
			second = await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> onB.pay(key, PAUSED_BODY), (call) -> call.status() != 409);
		}
		finally {
			a.resume();
		}
		CallRecord late = first.get(90, TimeUnit.SECONDS);
		long fenced = onA.fencedWritesMetric() - fencedBefore;
		List<CallRecord> replays = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			replays.add(onA.pay(key, PAUSED_BODY));
			replays.add(onB.pay(key, PAUSED_BODY));
		}
		long replaysOfB = replays.stream()
			.filter((call) -> call.replayed() && call.bodyHash().equals(second.bodyHash()))
			.count();
		return new Fencing(second.status(), late.status(), fenced, replays.size(), replaysOfB);
	}

	private static long slowOwners(ChildApp a, ChildApp b) throws Exception {
		CallHistory history = new CallHistory();
		Caller onA = new Caller(a, "alice", history);
		Caller onB = new Caller(b, "alice", history);
		ExecutorService clients = Executors.newFixedThreadPool(2 * RENEWAL_RUNS);
		try {
			long attemptsOnA = onA.pspAttempts();
			Map<String, Future<CallRecord>> owners = new HashMap<>();
			for (int i = 0; i < RENEWAL_RUNS; i++) {
				String key = "slow-" + UUID.randomUUID();
				owners.put(key, clients.submit(() -> onA.pay(key, SLOW_BODY)));
			}
			// every owner is inside its PSP call, so B's retries can only find held claims
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> onA.pspAttempts() == attemptsOnA + RENEWAL_RUNS);
			List<Future<Boolean>> retries = new ArrayList<>();
			owners.forEach((key, owner) -> retries.add(clients.submit(() -> takenOver(onB, key, owner))));
			long takeovers = 0;
			for (Future<Boolean> retry : retries) {
				if (retry.get(90, TimeUnit.SECONDS)) {
					takeovers++;
				}
			}
			return takeovers;
		}
		finally {
			clients.shutdownNow();
		}
	}

	/**
	 * B retries the key every 500 ms until its owner on A has answered: taken over when B ran it.
	 */
	private static boolean takenOver(Caller onB, String key, Future<CallRecord> owner) throws InterruptedException {
		boolean takenOver = false;
		while (!owner.isDone()) {
			CallRecord retry = onB.pay(key, SLOW_BODY);
			if (retry.status() != 409 && !retry.replayed()) {
				takenOver = true;
			}
			Thread.sleep(500);
		}
		return takenOver;
	}

	private record Fencing(int secondStatus, int lateStatus, long fencedWrites, int replays, long replaysOfB) {

		boolean passed() {
			return this.secondStatus == 201 && this.fencedWrites >= 1 && this.replaysOfB == this.replays;
		}

	}

}
