package io.github.idempotency.faultsuite.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One run of a duplicate storm: for each fresh key, {@code concurrency} identical payments released at once
 * through a start gate, with the ledger (PSP attempts) and the {@code executed} metric read before and after.
 */
public final class DuplicateStorm {

	// long enough that duplicates overlap the execution (409) as well as follow it (replay)
	static final String BODY = """
			{"amount": 1250, "currency": "EUR", "description": "storm", "simulate": "slow", "delayMs": 20}""";

	private DuplicateStorm() {
	}

	/**
	 * Runs the storm.
	 * @param caller the client
	 * @param keys how many fresh keys
	 * @param concurrency identical requests per key, sent at once
	 * @return what the run measured
	 */
	public static Result run(Caller caller, int keys, int concurrency) {
		CallHistory history = new CallHistory();
		Caller recording = caller.recordingInto(history);
		long ledgerBefore = caller.pspAttempts();
		long metricBefore = caller.executedMetric();
		ExecutorService clients = Executors.newFixedThreadPool(concurrency);
		try {
			for (int k = 0; k < keys; k++) {
				String key = "storm-" + UUID.randomUUID();
				CountDownLatch gate = new CountDownLatch(1);
				List<Future<CallRecord>> calls = new ArrayList<>();
				for (int i = 0; i < concurrency; i++) {
					calls.add(clients.submit(() -> {
						gate.await();
						return recording.pay(key, BODY);
					}));
				}
				gate.countDown();
				for (Future<CallRecord> call : calls) {
					call.get(90, TimeUnit.SECONDS);
				}
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("storm interrupted", ex);
		}
		finally {
			clients.shutdownNow();
		}
		long ledger = caller.pspAttempts() - ledgerBefore;
		long metric = caller.executedMetric() - metricBefore;
		return new Result(keys, ledger, metric, HistoryChecker.check(history, true), history.calls());
	}

	/**
	 * What one run measured.
	 *
	 * @param keys keys sent
	 * @param ledger real executions (PSP attempts) during the run
	 * @param executedMetric the {@code executed} outcomes counted during the run
	 * @param check the checker's verdict on the history
	 * @param calls every call
	 */
	public record Result(int keys, long ledger, long executedMetric, HistoryChecker.Result check,
			List<CallRecord> calls) {

		/** Exactly one execution per key, the metric equal to the ledger, and a clean history. */
		public boolean passed() {
			return this.ledger == this.keys && this.executedMetric == this.ledger && this.check.passed();
		}

		public long replays() {
			return this.calls.stream().filter(CallRecord::replayed).count();
		}

		/** Replays whose status and body bytes equal their key's execution's. */
		public long identicalReplays() {
			java.util.Map<String, CallRecord> executions = new java.util.HashMap<>();
			this.calls.stream().filter(CallRecord::isExecution).forEach((call) -> executions.putIfAbsent(call.key(), call));
			return this.calls.stream().filter(CallRecord::replayed).filter((call) -> {
				CallRecord execution = executions.get(call.key());
				return execution != null && execution.status() == call.status()
						&& execution.bodyHash().equals(call.bodyHash());
			}).count();
		}

		public long conflicts() {
			return this.calls.stream().filter((call) -> call.status() == 409).count();
		}

		public String describe() {
			return "keys " + this.keys + ", ledger " + this.ledger + ", metric " + this.executedMetric
					+ ", violations " + this.check.violationCount() + ", e.g. "
					+ this.check.violations().stream().distinct().limit(1).toList();
		}

	}

}
