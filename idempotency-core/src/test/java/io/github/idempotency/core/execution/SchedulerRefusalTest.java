package io.github.idempotency.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.testing.Await;
import io.github.idempotency.core.testing.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.fail;

/**
 * A scheduler of the application's that refuses tasks while it is not shut down (a bounded queue under a burst):
 * the executions keep their leases renewed once it takes tasks again, and only one whose lease runs out while it
 * still refuses is reported lost; a duplicate that waits ({@link ConflictStrategy#WAIT}) for an execution of
 * another instance polls the store itself, and replays its result. The executor's clock stands still unless a test
 * moves it, so no lease runs out by itself.
 */
class SchedulerRefusalTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge", "100 EUR");

	private static final StoredResponse RECEIPT = StoredResponse.of(200, Map.of(), new byte[] { 1 });

	// renewed every 50 ms
	private static final ExecutionPolicy SHORT_LEASE = ExecutionPolicy.defaults("charge")
		.withLease(Duration.ofMillis(150));

	private static final ExecutionPolicy WAITING = ExecutionPolicy.defaults("charge")
		.withConflictStrategy(ConflictStrategy.WAIT, Duration.ofSeconds(30));

	private final MutableClock clock = MutableClock.start();

	private final CountingStore store = new CountingStore();

	private final RecordingListener listener = new RecordingListener();

	private final RefusingScheduler scheduler = new RefusingScheduler();

	private final IdempotentExecutor executor = IdempotentExecutor.builder(this.store)
		.clock(this.clock)
		.listener(this.listener)
		.scheduler(this.scheduler)
		.build();

	private final ExecutorService duplicates = Executors.newCachedThreadPool();

	@RegisterExtension
	final CapturedLog executorLog = CapturedLog.of(IdempotentExecutor.class);

	@AfterEach
	void close() throws InterruptedException {
		this.duplicates.shutdownNow();
		assertThat(this.duplicates.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		this.store.release.countDown();
		this.executor.close();
		this.scheduler.shutdownNow();
	}

	@Test
	void burstOfRefusedTasksCostsNoExecutionItsLease() throws Exception {
		Execution first = acquire("first", SHORT_LEASE);
		Execution second = acquire("second", SHORT_LEASE);
		Await.until(() -> renewals(first) >= 1 && renewals(second) >= 1, "a renewal of each");

		// the next sweep's time-outs and the sweep after it: however the executions share sweeps, the rescheduling
		// of the sweep is among them
		this.scheduler.refuse(0, 3);
		Await.until(() -> this.scheduler.refused.get() == 3, "the scheduler to refuse three tasks");
		int firstAfterBurst = renewals(first);
		int secondAfterBurst = renewals(second);

		Await.until(() -> renewals(first) >= firstAfterBurst + 3 && renewals(second) >= secondAfterBurst + 3,
				"three more renewals of each once the scheduler takes tasks again");
		assertThat(first.isLeaseLost()).isFalse();
		assertThat(second.isLeaseLost()).isFalse();
		assertThat(first.context().isLeaseLost()).isFalse();
		assertThat(this.listener.failedWrites).isEmpty();
		assertThat(errors()).isEmpty();
		assertThat(refusalWarnings()).as("one warning for the burst").singleElement()
			.satisfies((record) -> assertThat(record.getMessage()).contains("not shut down").contains("1 refusal"));
		assertThat(first.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
		assertThat(second.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
	}

	@Test
	void executionsRunningAndStartingWhileTheSchedulerRefusesAreRenewedOnceItTakesTasksAgain() throws Exception {
		Execution running = acquire("running", SHORT_LEASE);
		Await.until(() -> renewals(running) >= 1, "a renewal");
		this.scheduler.refuse(0, Integer.MAX_VALUE);
		// the sweep's time-out, its rescheduling and a retry of it: no sweep is scheduled now
		Await.until(() -> this.scheduler.refused.get() >= 3, "the scheduler to refuse the sweep");

		// its claim tries to schedule a sweep of its own, which is refused too: it runs all the same
		Execution started = acquire("started", SHORT_LEASE);
		int refusedBeforeRecovery = this.scheduler.refused.get();
		int runningBeforeRecovery = renewals(running);
		assertThat(running.isLeaseLost()).isFalse();
		assertThat(started.context().isLeaseLost()).isFalse();

		this.scheduler.refuse(0, 0);

		Await.until(() -> renewals(running) >= runningBeforeRecovery + 3 && renewals(started) >= 3,
				"three renewals of each once the scheduler takes tasks again");
		assertThat(refusedBeforeRecovery).isGreaterThan(3);
		assertThat(running.isLeaseLost()).isFalse();
		assertThat(started.isLeaseLost()).isFalse();
		assertThat(this.listener.failedWrites).isEmpty();
		assertThat(errors()).isEmpty();
		assertThat(running.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
		assertThat(started.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
	}

	@Test
	void refusalLastingUntilALeaseRunsOutReportsThatExecutionLost() throws Exception {
		Execution shortLived = acquire("short", SHORT_LEASE);
		// its first renewal is twenty minutes away, its lease an hour: the refusal costs it nothing
		Execution longLived = acquire("long", ExecutionPolicy.defaults("charge").withLease(Duration.ofHours(1)));
		Await.until(() -> renewals(shortLived) >= 1, "a renewal");
		this.scheduler.refuse(0, Integer.MAX_VALUE);
		Await.until(() -> this.scheduler.refused.get() >= 3, "the scheduler to refuse the sweep");
		// the last sweep may have handed a renewal call over before the refusals: let it read the clock and end
		// first, or it would find the lease run out itself and report a fenced renewal instead
		Await.until(() -> !shortLived.isRenewalCallRunning(), "the renewal call in flight to end");
		assertThat(shortLived.context().isLeaseLost()).isFalse();
		assertThat(this.listener.failedWrites).isEmpty();

		this.clock.set(shortLived.leaseDeadline());

		// the flag the retries set, not isLeaseLost() of the context, which compares the deadline itself
		Await.until(shortLived::isLeaseLost, "the lease that ran out to be reported lost");
		assertThat(this.listener.failedWrites).containsExactly(StoreOperation.RENEW);
		assertThat(longLived.isLeaseLost()).isFalse();
		assertThat(longLived.context().isLeaseLost()).isFalse();
		assertThat(errors()).isEmpty();
		assertThat(this.executorLog.records()).filteredOn((record) -> record.getMessage().contains("ran out"))
			.singleElement()
			.satisfies((record) -> assertThat(record.getMessage()).contains(shortLived.key().toString()));
		shortLived.close();
		longLived.close();
	}

	@Test
	void retriesStopOnceNoExecutionNeedsTheRefusedSweep() throws Exception {
		Execution execution = acquire("short", SHORT_LEASE);
		Await.until(() -> renewals(execution) >= 1, "a renewal");
		this.scheduler.refuse(0, Integer.MAX_VALUE);
		Await.until(() -> this.scheduler.refused.get() >= 3, "the retries of the refused sweep to start");
		Await.until(() -> !execution.isRenewalCallRunning(), "the renewal call in flight to end");

		this.clock.set(execution.leaseDeadline());

		// still active until it ends, but no longer renewed: nothing is owed to it
		Await.until(execution::isLeaseLost, "the lease that ran out to be reported lost");
		Await.until(() -> !this.executor.keepAlive().isRetryingSweep(), "the retries to stop");
		execution.close();
	}

	@Test
	void refusalOfTheClaimsSweepAloneCostsTheExecutionNoRenewal() throws Exception {
		// no retry runs yet: the claim's own refusal must start one
		this.scheduler.refuse(0, 1);

		Execution execution = acquire("refused-at-claim", SHORT_LEASE);

		assertThat(this.scheduler.refused).hasValue(1);
		Await.until(() -> renewals(execution) >= 3, "three renewals once the scheduler takes tasks again");
		assertThat(execution.isLeaseLost()).isFalse();
		assertThat(this.listener.failedWrites).isEmpty();
		assertThat(errors()).isEmpty();
		assertThat(refusalWarnings()).singleElement()
			.satisfies((record) -> assertThat(record.getMessage()).contains("1 refusal"));
		assertThat(execution.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
	}

	@Test
	void schedulerShutDownWhileTheRefusedSweepIsRetriedReportsEveryExecutionLost() throws Exception {
		Execution first = acquire("first", SHORT_LEASE);
		Execution second = acquire("second", SHORT_LEASE);
		Await.until(() -> renewals(first) >= 1 && renewals(second) >= 1, "a renewal of each");
		this.scheduler.refuse(0, Integer.MAX_VALUE);
		// at most the two time-outs and the rescheduling of the last sweep before the retries: one retry ran
		Await.until(() -> this.scheduler.refused.get() >= 4, "a retry of the refused sweep");

		this.scheduler.shutdown();

		// nothing but the retry asks the scheduler now: it is the one to find it shut down
		Await.until(() -> first.isLeaseLost() && second.isLeaseLost(), "every execution to be reported lost");
		assertThat(this.listener.failedWrites).containsExactly(StoreOperation.RENEW, StoreOperation.RENEW);
		assertThat(errors()).singleElement()
			.satisfies((record) -> assertThat(record.getMessage()).contains("was shut down"));
		assertThat(this.executor.keepAlive().isRetryingSweep()).isFalse();
		IdempotencyKey refused = IdempotencyKey.of("", "charge", "after");
		assertThatIllegalStateException().isThrownBy(() -> this.executor.claim(refused, FINGERPRINT, SHORT_LEASE))
			.withMessageContaining("scheduler was shut down");
		assertThat(this.store.find(refused.storageKey(), this.clock.instant())).isEmpty();
		assertThat(errors()).as("still one error").hasSize(1);
		first.close();
		second.close();
	}

	@Test
	void renewalCallWhoseTimeOutWasRefusedIsInterruptedByTheNextSweep() throws Exception {
		IdempotencyKey stuck = IdempotencyKey.of("", "charge", "stuck");
		this.store.stuckKey = stuck.storageKey();
		// the first task is the sweep this claim schedules, the second the time-out of its first renewal call
		this.scheduler.refuse(1, 1);
		Execution execution = acquire("stuck", SHORT_LEASE);

		assertThat(this.store.stuck.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.store.interrupted.await(10, TimeUnit.SECONDS)).as("the stuck call interrupted").isTrue();
		// the calls after it are not stuck: the lease goes on being renewed
		Await.until(() -> this.listener.renewalLags.size() >= 2, "two renewals accepted after the stuck call");
		assertThat(this.scheduler.refused).hasValue(1);
		assertThat(execution.isLeaseLost()).isFalse();
		assertThat(this.listener.failedWrites).isEmpty();
		assertThat(execution.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
	}

	@Test
	void renewalCallWhoseTimeOutWasRefusedIsInterruptedWhenTheExecutionEnds() throws Exception {
		Execution execution = stuckRenewalCallWithoutTimeOut();

		// no sweep comes back for it: every task after the claim's sweep is refused, and it ended anyway
		assertThat(execution.release()).isEqualTo(WriteOutcome.APPLIED);

		assertThat(this.store.interrupted.await(10, TimeUnit.SECONDS)).as("the stuck call interrupted").isTrue();
	}

	@Test
	void renewalCallWhoseTimeOutWasRefusedIsInterruptedWhenTheLeaseIsReportedLost() throws Exception {
		Execution execution = stuckRenewalCallWithoutTimeOut();

		// the retries of the refused sweep find the lease run out and report it lost
		this.clock.set(execution.leaseDeadline());

		Await.until(execution::isLeaseLost, "the lease that ran out to be reported lost");
		assertThat(this.store.interrupted.await(10, TimeUnit.SECONDS)).as("the stuck call interrupted").isTrue();
		execution.close();
	}

	/**
	 * An execution whose first renewal call hangs in the store and has no time-out, and a scheduler that refuses
	 * every task from then on, so that no sweep runs again to interrupt the call.
	 */
	private Execution stuckRenewalCallWithoutTimeOut() throws Exception {
		this.store.stuckKey = IdempotencyKey.of("", "charge", "stuck").storageKey();
		// the first task is the sweep this claim schedules; its renewal call's time-out and all after it are refused
		this.scheduler.refuse(1, Integer.MAX_VALUE);
		Execution execution = acquire("stuck", SHORT_LEASE);
		assertThat(this.store.stuck.await(10, TimeUnit.SECONDS)).isTrue();
		Await.until(() -> this.scheduler.refused.get() >= 1, "the call's time-out to be refused");
		assertThat(this.store.interrupted.getCount()).as("the stuck call still runs").isOne();
		return execution;
	}

	@Test
	void schedulerThatFailsWithAnotherExceptionThanARefusalIsRetriedAsOneThatRefused() throws Exception {
		Execution running = acquire("running", SHORT_LEASE);
		Await.until(() -> renewals(running) >= 1, "a renewal");
		this.scheduler.refuse(0, Integer.MAX_VALUE);
		Await.until(() -> this.scheduler.refused.get() >= 3, "the retries of the refused sweep to start");

		// the retry meets an exception no scheduler is documented to throw, then the scheduler takes tasks again
		this.scheduler.failOnceThenTake(new IllegalStateException("scheduler in a bad state"));

		Await.until(() -> this.scheduler.failed.get() == 1, "the scheduler to fail the retry");
		int afterFailure = renewals(running);
		Await.until(() -> renewals(running) >= afterFailure + 3, "three more renewals once the scheduler takes tasks again");
		assertThat(running.isLeaseLost()).isFalse();
		assertThat(this.listener.failedWrites).isEmpty();
		assertThat(errors()).isEmpty();
		assertThat(running.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
	}

	@Test
	void retryThatDiesOfAnUnexpectedThrowableIsStartedAgainByTheNextRefusal() throws Exception {
		Execution running = acquire("running", SHORT_LEASE);
		Await.until(() -> renewals(running) >= 1, "a renewal");
		this.scheduler.refuse(0, Integer.MAX_VALUE);
		Await.until(() -> this.scheduler.refused.get() >= 3, "the retries of the refused sweep to start");

		// an Error escapes the retry; the scheduler goes on refusing
		this.scheduler.failOnce(new Error("test: a scheduler that breaks"));
		Await.until(() -> this.scheduler.failed.get() == 1, "the scheduler to fail the retry");
		Await.until(() -> !this.executor.keepAlive().isRetryingSweep(), "the dead retry to be known as no longer running");

		// this claim's sweep is refused: the refusal must start a retry again, which nothing else would
		Execution started = acquire("started", SHORT_LEASE);
		int runningBefore = renewals(running);
		this.scheduler.refuse(0, 0);

		Await.until(() -> renewals(running) >= runningBefore + 3 && renewals(started) >= 3,
				"three renewals of each once the scheduler takes tasks again");
		assertThat(running.isLeaseLost()).isFalse();
		assertThat(started.isLeaseLost()).isFalse();
		assertThat(this.listener.failedWrites).isEmpty();
	}

	@ParameterizedTest(name = "{0} polls taken before the refusals")
	@ValueSource(ints = { 0, 1 })
	void duplicateWhosePollIsRefusedReplaysOnceTheExecutionElsewhereCompletes(int taken) throws Exception {
		IdempotencyKey key = IdempotencyKey.of("", "charge", "elsewhere");
		ClaimResult.Claimed elsewhere = claimElsewhere(key);
		this.scheduler.refuse(taken, Integer.MAX_VALUE);

		Future<ClaimOutcome> duplicate = this.duplicates.submit(() -> this.executor.claim(key, FINGERPRINT, WAITING));
		// at most one poll ran on the scheduler before the refusal: a second one is the duplicate's own
		Await.until(() -> this.scheduler.refused.get() == 1 && this.listener.count(StoreOperation.FIND) >= 2,
				"the duplicate to poll the store itself");
		assertThat(duplicate).isNotDone();

		// through the store, as another instance does: no local signal, only a poll can tell the duplicate
		this.store.complete(key.storageKey(), elsewhere.owner(), RecordState.FINISHED_OK, RECEIPT,
				this.clock.instant(), WAITING.retention());

		assertThat(duplicate.get(10, TimeUnit.SECONDS))
			.isEqualTo(new ClaimOutcome.Replay(RecordState.FINISHED_OK, RECEIPT));
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.REPLAYED);
		assertThat(this.executor.watchedKeys()).isZero();
		assertThat(this.scheduler.refused).hasValue(1);
		assertThat(this.executorLog.atLeast(Level.WARNING)).singleElement()
			.satisfies((record) -> assertThat(record.getMessage()).contains("refused to poll the store")
				.contains("(1 refusal since the last warning)"));
	}

	@Test
	void schedulerShutDownEndsTheWaitOfADuplicateAsItEndsAClaimThatWouldRun() throws Exception {
		IdempotencyKey key = IdempotencyKey.of("", "charge", "elsewhere");
		claimElsewhere(key);
		Future<ClaimOutcome> duplicate = this.duplicates.submit(() -> this.executor.claim(key, FINGERPRINT, WAITING));
		Await.until(() -> this.listener.count(StoreOperation.FIND) >= 1, "the duplicate to wait");

		this.scheduler.shutdownNow();

		// well before its 30 seconds of waiting
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class)
			.withMessageContaining("scheduler was shut down");
		assertThat(this.executor.watchedKeys()).isZero();
		assertThatIllegalStateException().isThrownBy(() -> this.executor.claim(key, FINGERPRINT, WAITING))
			.withMessageContaining("scheduler was shut down");
	}

	private ClaimResult.Claimed claimElsewhere(IdempotencyKey key) {
		return (ClaimResult.Claimed) this.store.claim(key.storageKey(), FINGERPRINT, this.clock.instant(),
				WAITING.lease());
	}

	private int renewals(Execution execution) {
		return this.store.renewalsOf(execution.key().storageKey());
	}

	private List<LogRecord> errors() {
		return this.executorLog.atLeast(Level.SEVERE);
	}

	private List<LogRecord> refusalWarnings() {
		return this.executorLog.records().stream()
			.filter((record) -> record.getLevel() == Level.WARNING && record.getMessage().contains("refused a lease"))
			.toList();
	}

	private Execution acquire(String id, ExecutionPolicy policy) throws InterruptedException {
		ClaimOutcome outcome = this.executor.claim(IdempotencyKey.of("", "charge", id), FINGERPRINT, policy);
		assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
		return ((ClaimOutcome.Acquired) outcome).execution();
	}

	/** Counts the renewal calls of each key, and blocks the first renewal of one key until interrupted. */
	private static final class CountingStore extends FaultyStore {

		final CountDownLatch stuck = new CountDownLatch(1);

		final CountDownLatch interrupted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile StorageKey stuckKey;

		private final Map<StorageKey, AtomicInteger> renewals = new ConcurrentHashMap<>();

		@Override
		public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
			this.renewals.computeIfAbsent(key, (ignored) -> new AtomicInteger()).incrementAndGet();
			if (key.equals(this.stuckKey) && this.stuck.getCount() > 0) {
				this.stuck.countDown();
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					this.interrupted.countDown();
					Thread.currentThread().interrupt();
					throw new IdempotencyStoreException("interrupted", ex);
				}
			}
			return super.renew(key, owner, now, lease);
		}

		int renewalsOf(StorageKey key) {
			return this.renewals.getOrDefault(key, new AtomicInteger()).get();
		}

	}

}
