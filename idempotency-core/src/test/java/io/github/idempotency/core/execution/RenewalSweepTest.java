package io.github.idempotency.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.testing.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * One renewal sweep per executor keeps every lease alive: executions schedule nothing while a sweep is due before
 * their first renewal, a shorter lease brings the sweep forward, and an ended execution is renewed no more.
 */
class RenewalSweepTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge", "100 EUR");

	private static final StoredResponse RECEIPT = StoredResponse.of(200, Map.of(), new byte[] { 1 });

	private final MutableClock clock = MutableClock.start();

	private final CountingStore store = new CountingStore();

	private final CountingScheduler scheduler = new CountingScheduler();

	private final IdempotentExecutor executor = IdempotentExecutor.builder(this.store)
		.clock(this.clock)
		.scheduler(this.scheduler)
		.build();

	@AfterEach
	void close() {
		this.executor.close();
		this.scheduler.shutdownNow();
	}

	// a lease far longer than any test, so that no renewal falls due while one runs on a loaded machine
	private static final ExecutionPolicy LONG_LEASE = ExecutionPolicy.defaults("charge").withLease(Duration.ofHours(1));

	@Test
	void executionsThatEndBeforeTheScheduledSweepScheduleNothing() throws Exception {
		ExecutionPolicy policy = LONG_LEASE;
		for (int i = 0; i < 1_000; i++) {
			Execution execution = acquire(IdempotencyKey.of("", "charge", "order-" + i), policy);
			assertThat(execution.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
		}
		// the first execution scheduled the sweep a third of a lease ahead; the others found it due before theirs
		assertThat(this.scheduler.scheduled).hasValue(1);
		assertThat(this.executor.activeExecutions()).isZero();
	}

	@Test
	void shorterLeaseBringsTheSweepForward() throws Exception {
		Execution slow = acquire(IdempotencyKey.of("", "charge", "long-lease"), LONG_LEASE);
		IdempotencyKey shortKey = IdempotencyKey.of("", "charge", "short-lease");
		Execution quick = acquire(shortKey, ExecutionPolicy.defaults("charge").withLease(Duration.ofMillis(150)));
		// the executor's clock stands still, so every renewal succeeds
		Await.until(() -> this.store.renewalsOf(shortKey.storageKey()) >= 3, "three renewals of the short lease");
		assertThat(quick.isLeaseLost()).isFalse();
		assertThat(this.store.renewalsOf(slow.key().storageKey())).as("its first renewal is 20 minutes away").isZero();
		quick.close();
		slow.close();
	}

	@Test
	void leaseOfCenturiesLeavesTheOtherExecutionsRenewed() throws Exception {
		// a lease meant as "never taken over": its renewal period, as nanoseconds from now, does not fit in a long
		Execution forever = acquire(IdempotencyKey.of("", "charge", "forever"),
				ExecutionPolicy.defaults("charge").withLease(Duration.ofDays(365L * 1_000)));
		IdempotencyKey shortKey = IdempotencyKey.of("", "charge", "short-lease");
		Execution quick = acquire(shortKey, ExecutionPolicy.defaults("charge").withLease(Duration.ofMillis(150)));
		Await.until(() -> this.store.renewalsOf(shortKey.storageKey()) >= 3, "three renewals of the short lease");
		assertThat(quick.isLeaseLost()).isFalse();
		quick.close();
		forever.close();
	}

	@Test
	void endedExecutionIsRenewedNoMore() throws Exception {
		ExecutionPolicy policy = ExecutionPolicy.defaults("charge").withLease(Duration.ofMillis(60));
		IdempotencyKey endedKey = IdempotencyKey.of("", "charge", "ended");
		IdempotencyKey runningKey = IdempotencyKey.of("", "charge", "running");
		Execution ended = acquire(endedKey, policy);
		Execution running = acquire(runningKey, policy);
		Await.until(() -> this.store.renewalsOf(endedKey.storageKey()) >= 1, "a renewal before the end");
		ended.complete(RecordState.FINISHED_OK, RECEIPT);
		int renewalsAtEnd = this.store.renewalsOf(endedKey.storageKey());
		int others = this.store.renewalsOf(runningKey.storageKey());
		// three renewals of the other execution span more than a renewal period of the ended one
		Await.until(() -> this.store.renewalsOf(runningKey.storageKey()) >= others + 3, "three more renewals of the other");
		// at most the call already handed to a renewal thread when it ended, which the store refuses
		assertThat(this.store.renewalsOf(endedKey.storageKey())).isLessThanOrEqualTo(renewalsAtEnd + 1);
		assertThat(this.executor.runningExecutions()).extracting(RunningExecution::key)
			.containsExactly(runningKey.storageKey());
		running.close();
	}

	@Test
	void executionsStartingAndEndingOnManyThreadsLeaveNoneActive() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int thread = 0; thread < 8; thread++) {
				int worker = thread;
				workers.add(threads.submit(() -> {
					for (int i = 0; i < 500; i++) {
						Execution execution = acquire(IdempotencyKey.of("", "charge", worker + "-" + i), LONG_LEASE);
						assertThat(this.executor.activeExecutions()).isPositive();
						if (i % 2 == 0) {
							execution.complete(RecordState.FINISHED_OK, RECEIPT);
						}
						else {
							execution.close();
						}
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(this.executor.activeExecutions()).isZero();
		assertThat(this.executor.runningExecutions()).isEmpty();
		assertThat(this.executor.oldestActiveExecutionStart()).isEmpty();
	}

	@Test
	void leaseIsCountedFromBeforeTheClaimSoASlowClaimIsRenewedAtOnce() throws Exception {
		// the store dates the lease at the clock read before its call: a claim that took longer than a renewal period
		// (100 ms of a 300 ms lease) comes back with its first renewal already due, not a period after it returned
		IdempotencyKey key = IdempotencyKey.of("", "charge", "slow-claim");
		this.store.claimTakes(Duration.ofMillis(150));
		Execution execution = acquire(key, ExecutionPolicy.defaults("charge").withLease(Duration.ofMillis(300)));
		assertThat(this.scheduler.delaysNanos).as("the sweep the slow claim scheduled").first().isEqualTo(0L);
		Await.until(() -> this.store.renewalsOf(key.storageKey()) >= 1, "the first renewal");
		assertThat(execution.isLeaseLost()).isFalse();
		execution.close();
	}

	@Test
	void closedExecutorOnASharedSchedulerRefusesClaimsAndLeavesTheKeyFree() {
		IdempotencyKey key = IdempotencyKey.of("", "charge", "after-close");
		this.executor.close();
		assertThat(this.scheduler.isShutdown()).isFalse();
		assertThatIllegalStateException()
			.isThrownBy(() -> this.executor.claim(key, FINGERPRINT, LONG_LEASE))
			.withMessageContaining("closed");
		assertThat(this.store.find(key.storageKey(), this.clock.instant())).isEmpty();
		assertThat(this.executor.activeExecutions()).isZero();
	}

	private Execution acquire(IdempotencyKey key, ExecutionPolicy policy) throws InterruptedException {
		ClaimOutcome outcome = this.executor.claim(key, FINGERPRINT, policy);
		assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
		return ((ClaimOutcome.Acquired) outcome).execution();
	}

	/** Counts the renewal calls each key received. */
	private static final class CountingStore extends FaultyStore {

		private final Map<StorageKey, AtomicInteger> renewals = new ConcurrentHashMap<>();

		private volatile Duration claimTakes = Duration.ZERO;

		void claimTakes(Duration duration) {
			this.claimTakes = duration;
		}

		@Override
		public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
			// a slow store: the time a claim takes is what this simulates, not a wait for something to happen
			try {
				Thread.sleep(this.claimTakes.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			return super.claim(key, fingerprint, now, lease);
		}

		@Override
		public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
			this.renewals.computeIfAbsent(key, (ignored) -> new AtomicInteger()).incrementAndGet();
			return super.renew(key, owner, now, lease);
		}

		int renewalsOf(StorageKey key) {
			AtomicInteger count = this.renewals.get(key);
			return (count != null) ? count.get() : 0;
		}

	}

	/** A real scheduler that counts the one-shot tasks it was given (renewal timeouts are not asked for here). */
	private static final class CountingScheduler extends ScheduledThreadPoolExecutor {

		final AtomicInteger scheduled = new AtomicInteger();

		final List<Long> delaysNanos = new CopyOnWriteArrayList<>();

		CountingScheduler() {
			super(2);
			setRemoveOnCancelPolicy(true);
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			this.scheduled.incrementAndGet();
			this.delaysNanos.add(unit.toNanos(delay));
			return super.schedule(command, delay, unit);
		}

	}

}
