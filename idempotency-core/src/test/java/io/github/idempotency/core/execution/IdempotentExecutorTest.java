package io.github.idempotency.core.execution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.Await;
import io.github.idempotency.core.testing.Utf8StringCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class IdempotentExecutorTest {

	private static final ResultCodec<String> CODEC = new Utf8StringCodec();

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge", "100 EUR");

	private static final RequestFingerprint OTHER_FINGERPRINT = RequestFingerprint.of("charge", "200 EUR");

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("charge");

	private final MutableClock clock = MutableClock.start();

	private final FaultyStore store = new FaultyStore();

	private final RecordingListener listener = new RecordingListener();

	private final List<IdempotentExecutor> executors = new ArrayList<>();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final IdempotentExecutor executor = executor(this.clock);

	private final IdempotencyKey key = IdempotencyKey.of("alice", "charge", "order-1");

	private final AtomicInteger runs = new AtomicInteger();

	@AfterEach
	void shutDown() throws InterruptedException {
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		this.executors.forEach(IdempotentExecutor::close);
	}

	private IdempotentExecutor executor(Clock clock) {
		IdempotentExecutor executor = IdempotentExecutor.builder(this.store)
			.clock(clock)
			.listener(this.listener)
			.build();
		this.executors.add(executor);
		return executor;
	}

	private String charge() {
		return "receipt-" + this.runs.incrementAndGet();
	}

	private ExecutionPolicy waiting(Duration timeout) {
		return POLICY.withConflictStrategy(ConflictStrategy.WAIT, timeout);
	}

	private Execution acquire(IdempotentExecutor executor, ExecutionPolicy policy) throws InterruptedException {
		ClaimOutcome outcome = executor.claim(this.key, FINGERPRINT, policy);
		assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
		return ((ClaimOutcome.Acquired) outcome).execution();
	}

	private static boolean isBlocked(Thread thread) {
		Thread.State state = thread.getState();
		return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
	}

	// run once, replay

	@Test
	void executeRunsOnceAndReplaysTheDecodedValue() throws Exception {
		ExecutionResult<String> first = this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge);
		ExecutionResult<String> second = this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge);
		assertThat(first).isEqualTo(new ExecutionResult.Executed<>("receipt-1", false));
		assertThat(second).isEqualTo(new ExecutionResult.Replayed<>("receipt-1"));
		assertThat(this.runs).hasValue(1);
		IdempotencyRecord record = this.store.find(this.key.storageKey(), this.clock.instant()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.expiresAt()).isEqualTo(this.clock.instant().plus(POLICY.retention()));
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.EXECUTED, RequestOutcome.REPLAYED);
	}

	@Test
	void replayEndsWhenRetentionEnds() throws Exception {
		this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge);
		this.clock.advance(POLICY.retention());
		assertThat(this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge))
			.isEqualTo(new ExecutionResult.Executed<>("receipt-2", false));
	}

	@Test
	void exceptionReleasesTheKeyAndIsRethrown() throws Exception {
		IllegalStateException failure = new IllegalStateException("psp down");
		assertThatThrownBy(() -> this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, () -> {
			throw failure;
		})).isSameAs(failure);
		assertThat(this.store.find(this.key.storageKey(), this.clock.instant())).isEmpty();
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.RELEASED);
		assertThat(this.executor.activeExecutions()).isZero();
		assertThat(this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge))
			.as("a retry runs again")
			.isEqualTo(new ExecutionResult.Executed<>("receipt-1", false));
	}

	@Test
	void retainedFailureIsKeptAndNeverRunsAgain() throws Exception {
		IllegalStateException failure = new IllegalStateException("charged, then the receipt failed");
		assertThatThrownBy(() -> this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, () -> {
			charge();
			IdempotencyContext.require().retainResult();
			throw failure;
		})).isSameAs(failure);
		IdempotencyRecord record = this.store.find(this.key.storageKey(), this.clock.instant()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_ERROR);
		assertThatExceptionOfType(RetainedFailureException.class)
			.isThrownBy(() -> this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge));
		assertThat(this.runs).hasValue(1);
	}

	@Test
	void checkedExceptionIsRethrownAsIs() {
		IOException failure = new IOException("socket closed");
		assertThatThrownBy(() -> this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, () -> {
			throw failure;
		})).isSameAs(failure);
		assertThat(this.store.find(this.key.storageKey(), this.clock.instant())).isEmpty();
	}

	@Test
	void differentRequestWithSameKeyIsAMismatch() throws Exception {
		this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge);
		assertThat(this.executor.execute(this.key, OTHER_FINGERPRINT, POLICY, CODEC, this::charge))
			.isEqualTo(new ExecutionResult.Mismatch<>());
		assertThat(this.runs).hasValue(1);
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.EXECUTED, RequestOutcome.MISMATCH);
	}

	@Test
	void differentRequestIsAMismatchWhileTheFirstStillRuns() throws Exception {
		acquire(this.executor, POLICY);
		assertThat(this.executor.claim(this.key, OTHER_FINGERPRINT, waiting(Duration.ofSeconds(10))))
			.as("a mismatch does not wait")
			.isInstanceOf(ClaimOutcome.Mismatch.class);
	}

	@Test
	void duplicateWhileRunningIsRejected() throws Exception {
		acquire(this.executor, POLICY);
		ExecutionResult<String> duplicate = this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge);
		assertThat(duplicate).isInstanceOf(ExecutionResult.InProgress.class);
		assertThat(((ExecutionResult.InProgress<String>) duplicate).retryAfter()).isPositive();
		assertThat(this.runs).hasValue(0);
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.CONFLICT);
	}

	@Test
	void finishedErrorIsReplayedWithItsState() throws Exception {
		Execution execution = acquire(this.executor, POLICY);
		StoredResponse declined = StoredResponse.of(402, Map.of(), "declined".getBytes(StandardCharsets.UTF_8));
		assertThat(execution.complete(RecordState.FINISHED_ERROR, declined)).isEqualTo(WriteOutcome.APPLIED);
		ClaimOutcome replay = this.executor.claim(this.key, FINGERPRINT, POLICY);
		assertThat(replay).isEqualTo(new ClaimOutcome.Replay(RecordState.FINISHED_ERROR, declined));
	}

	// waiting for a running duplicate

	@Test
	void waitingDuplicateGetsTheReplayOnceTheFirstCompletes() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Future<ExecutionResult<String>> first = this.threads.submit(() -> this.executor.execute(this.key,
				FINGERPRINT, POLICY, CODEC, () -> {
					running.countDown();
					finish.await();
					return charge();
				}));
		running.await();
		AtomicReference<Thread> waiterThread = new AtomicReference<>();
		Future<ExecutionResult<String>> waiter = this.threads.submit(() -> {
			waiterThread.set(Thread.currentThread());
			return this.executor.execute(this.key, FINGERPRINT, waiting(Duration.ofSeconds(30)), CODEC, this::charge);
		});
		Await.until(
				() -> this.executor.watchedKeys() == 1 && waiterThread.get() != null && isBlocked(waiterThread.get()),
				"the duplicate waits");
		assertThat(waiter).isNotDone();
		finish.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new ExecutionResult.Executed<>("receipt-1", false));
		assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(new ExecutionResult.Replayed<>("receipt-1"));
		assertThat(this.runs).hasValue(1);
		assertThat(this.executor.watchedKeys()).isZero();
	}

	@Test
	void waitingDuplicateRunsItselfWhenTheFirstIsReleased() throws Exception {
		Execution first = acquire(this.executor, POLICY);
		AtomicReference<Thread> waiterThread = new AtomicReference<>();
		Future<ExecutionResult<String>> waiter = this.threads.submit(() -> {
			waiterThread.set(Thread.currentThread());
			return this.executor.execute(this.key, FINGERPRINT, waiting(Duration.ofSeconds(30)), CODEC, this::charge);
		});
		Await.until(
				() -> this.executor.watchedKeys() == 1 && waiterThread.get() != null && isBlocked(waiterThread.get()),
				"the duplicate waits");
		assertThat(first.release()).isEqualTo(WriteOutcome.APPLIED);
		assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(new ExecutionResult.Executed<>("receipt-1", false));
	}

	@Test
	void waitingDuplicateIsInProgressAfterTheTimeout() throws Exception {
		acquire(this.executor, POLICY);
		long start = System.nanoTime();
		ExecutionResult<String> result = this.executor.execute(this.key, FINGERPRINT, waiting(Duration.ofMillis(150)),
				CODEC, this::charge);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		assertThat(result).isInstanceOf(ExecutionResult.InProgress.class);
		assertThat(this.runs).hasValue(0);
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.CONFLICT);
		assertThat(this.executor.watchedKeys()).as("the watch ends with its last waiter").isZero();
	}

	@Test
	void waitingDuplicateNoticesAnOwnerInAnotherInstance() throws Exception {
		// the owner completes through the store directly, as another instance would: no local signal, only polls
		ClaimResult.Claimed remote = (ClaimResult.Claimed) this.store.claim(this.key.storageKey(), FINGERPRINT,
				this.clock.instant(), POLICY.lease());
		Future<ExecutionResult<String>> waiter = this.threads.submit(() -> this.executor.execute(this.key,
				FINGERPRINT, waiting(Duration.ofSeconds(30)), CODEC, this::charge));
		Await.until(() -> this.listener.count(StoreOperation.FIND) >= 2, "the watch polls the store");
		this.store.complete(this.key.storageKey(), remote.owner(), RecordState.FINISHED_OK,
				StoredResponse.of(200, Map.of(), CODEC.encode("remote-receipt")), this.clock.instant(),
				POLICY.retention());
		assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(new ExecutionResult.Replayed<>("remote-receipt"));
		assertThat(this.runs).hasValue(0);
	}

	@Test
	void manyWaitersOnOneKeyShareOneWatch() throws Exception {
		Execution first = acquire(this.executor, POLICY);
		int waiterCount = 16;
		List<Thread> waiterThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
		List<Future<ExecutionResult<String>>> waiters = new ArrayList<>();
		for (int i = 0; i < waiterCount; i++) {
			waiters.add(this.threads.submit(() -> {
				waiterThreads.add(Thread.currentThread());
				return this.executor.execute(this.key, FINGERPRINT, waiting(Duration.ofSeconds(30)), CODEC,
						this::charge);
			}));
		}
		Await.until(() -> this.listener.count(StoreOperation.CLAIM) == 1 + waiterCount
				&& waiterThreads.size() == waiterCount && waiterThreads.stream().allMatch(IdempotentExecutorTest::isBlocked),
				"every duplicate waits");
		assertThat(this.executor.watchedKeys()).isEqualTo(1);
		// polls back off and are shared: far fewer reads than waiters
		Await.until(() -> this.listener.count(StoreOperation.FIND) >= 3, "a few polls");
		// one read per back-off step (10 ms doubling to 250 ms), not one per waiter
		assertThat(this.listener.count(StoreOperation.FIND)).isLessThan(waiterCount);
		first.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), CODEC.encode("receipt-0")));
		for (Future<ExecutionResult<String>> waiter : waiters) {
			assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(new ExecutionResult.Replayed<>("receipt-0"));
		}
		assertThat(this.executor.watchedKeys()).isZero();
		assertThat(this.runs).hasValue(0);
	}

	// lease renewal and fencing

	@Test
	void leaseRenewalKeepsASlowExecutionAlive() throws Exception {
		// the store's time is the test's clock, moved on only once a renewal was seen: no assumption about how soon
		// the renewal thread runs on a loaded machine
		ExecutionPolicy shortLease = POLICY.withLease(Duration.ofMillis(600));
		List<ClaimResult> duplicateClaims = new ArrayList<>();
		AtomicReference<OwnerToken> owner = new AtomicReference<>();
		ExecutionResult<String> result = this.executor.execute(this.key, FINGERPRINT, shortLease, CODEC, () -> {
			owner.set(IdempotencyContext.require().ownerToken());
			// the method's own work takes two leases, a third of a lease after each renewal seen (a renewal that read
			// the clock before the previous step may be the one seen); a duplicate tries to take over all along
			for (int step = 0; step < 6; step++) {
				long renewals = this.listener.count(StoreOperation.RENEW, StoreOperationResult.SUCCESS);
				Await.until(() -> this.listener.count(StoreOperation.RENEW, StoreOperationResult.SUCCESS) > renewals,
						"the lease is renewed");
				this.clock.advance(shortLease.lease().dividedBy(3));
				duplicateClaims.add(this.store.claim(this.key.storageKey(), FINGERPRINT, this.clock.instant(),
						shortLease.lease()));
			}
			return charge();
		});
		assertThat(result).isEqualTo(new ExecutionResult.Executed<>("receipt-1", false));
		assertThat(duplicateClaims).hasSize(6).allSatisfy((claim) -> {
			assertThat(claim).isInstanceOf(ClaimResult.Existing.class);
			assertThat(((ClaimResult.Existing) claim).record().owner()).isEqualTo(owner.get());
		});
		assertThat(this.listener.count(StoreOperation.RENEW, StoreOperationResult.SUCCESS)).isGreaterThanOrEqualTo(6);
		assertThat(this.listener.fencedWrites).isEmpty();
		assertThat(this.listener.count(StoreOperation.COMPLETE, StoreOperationResult.SUCCESS)).isEqualTo(1);
	}

	@Test
	void staleOwnersCompletionIsFencedAndReported() throws Exception {
		Execution stale = acquire(this.executor, POLICY);
		this.clock.advance(POLICY.lease());
		Execution current = acquire(this.executor, POLICY);
		assertThat(current.owner()).isNotEqualTo(stale.owner());
		assertThat(stale.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[] { 1 })))
			.isEqualTo(WriteOutcome.FENCED);
		assertThat(this.listener.fencedWrites).containsExactly(StoreOperation.COMPLETE);
		assertThat(this.listener.count(StoreOperation.COMPLETE, StoreOperationResult.FENCED)).isEqualTo(1);
		assertThat(this.listener.storedBytes).isEmpty();
		IdempotencyRecord record = this.store.find(this.key.storageKey(), this.clock.instant()).orElseThrow();
		assertThat(record.owner()).isEqualTo(current.owner());
		assertThat(current.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[] { 2 })))
			.isEqualTo(WriteOutcome.APPLIED);
	}

	@Test
	void staleOwnersReleaseIsFencedAndReported() throws Exception {
		Execution stale = acquire(this.executor, POLICY);
		this.clock.advance(POLICY.lease());
		Execution current = acquire(this.executor, POLICY);
		assertThat(stale.release()).isEqualTo(WriteOutcome.FENCED);
		assertThat(this.listener.fencedWrites).containsExactly(StoreOperation.RELEASE);
		assertThat(this.store.find(this.key.storageKey(), this.clock.instant()).orElseThrow().owner())
			.isEqualTo(current.owner());
	}

	@Test
	void lostLeaseIsNoticedByTheRenewalAndReported() throws Exception {
		Execution execution = acquire(this.executor, POLICY.withLease(Duration.ofMillis(30)));
		// the executor's clock jumps past the lease: the next renewal is refused
		this.clock.advance(Duration.ofMinutes(1));
		Await.until(execution::isLeaseLost, "the renewal finds the lease lost");
		assertThat(this.listener.fencedWrites).containsExactly(StoreOperation.RENEW);
		assertThat(execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0])))
			.isEqualTo(WriteOutcome.FENCED);
	}

	// store failures

	@Test
	void storeFailureFailsClosedByDefault() throws Exception {
		this.store.fail(StoreOperation.CLAIM);
		ExecutionResult<String> result = this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge);
		assertThat(result).isInstanceOf(ExecutionResult.StoreUnavailable.class);
		ExecutionResult.StoreUnavailable<String> unavailable = (ExecutionResult.StoreUnavailable<String>) result;
		assertThat(unavailable.cause()).hasMessage("connection refused");
		assertThat(unavailable.retryAfter()).isPositive();
		assertThat(this.runs).hasValue(0);
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.STORE_UNAVAILABLE);
		assertThat(this.listener.count(StoreOperation.CLAIM, StoreOperationResult.ERROR)).isEqualTo(1);
	}

	@Test
	void storeFailureRunsUnprotectedWhenFailingOpen() throws Exception {
		this.store.fail(StoreOperation.CLAIM);
		AtomicReference<Boolean> contextBound = new AtomicReference<>();
		ExecutionResult<String> result = this.executor.execute(this.key, FINGERPRINT,
				POLICY.withStoreFailure(StoreFailureStrategy.FAIL_OPEN), CODEC, () -> {
					contextBound.set(IdempotencyContext.current().isPresent());
					return charge();
				});
		assertThat(result).isEqualTo(new ExecutionResult.Executed<>("receipt-1", true));
		assertThat(contextBound).hasValue(false);
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.STORE_UNAVAILABLE);
		assertThat(this.executor.claim(this.key, FINGERPRINT, POLICY.withStoreFailure(StoreFailureStrategy.FAIL_OPEN)))
			.isInstanceOf(ClaimOutcome.Unprotected.class);
	}

	@Test
	void storeLeakingItsClientsExceptionIsAStoreFailure() throws Exception {
		this.store.failWith(new IllegalStateException("pool exhausted"), StoreOperation.CLAIM);
		ClaimOutcome outcome = this.executor.claim(this.key, FINGERPRINT, POLICY);
		assertThat(outcome).isInstanceOf(ClaimOutcome.StoreUnavailable.class);
		assertThat(((ClaimOutcome.StoreUnavailable) outcome).cause()).isInstanceOf(IdempotencyStoreException.class)
			.hasCauseInstanceOf(IllegalStateException.class);
	}

	@Test
	void corruptRecordFailsClosedEvenWhenFailingOpen() throws Exception {
		// the record exists but cannot be read: running unprotected could run the execution a second time
		this.store.failWith(new CorruptRecordException("undecodable record"), StoreOperation.CLAIM);
		ExecutionResult<String> result = this.executor.execute(this.key, FINGERPRINT,
				POLICY.withStoreFailure(StoreFailureStrategy.FAIL_OPEN), CODEC, this::charge);
		assertThat(result).isInstanceOf(ExecutionResult.StoreUnavailable.class);
		assertThat(((ExecutionResult.StoreUnavailable<String>) result).cause())
			.isInstanceOf(CorruptRecordException.class);
		assertThat(this.runs).hasValue(0);
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.STORE_UNAVAILABLE);
	}

	@Test
	void failedCompletionIsReportedNotThrown() throws Exception {
		// a short lease: the completion is retried while it lasts
		Execution execution = acquire(this.executor, POLICY.withLease(Duration.ofMillis(200)));
		this.store.fail(StoreOperation.COMPLETE);
		assertThat(execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0])))
			.isEqualTo(WriteOutcome.FAILED);
		assertThat(this.listener.count(StoreOperation.COMPLETE, StoreOperationResult.ERROR))
			.isEqualTo(this.listener.retriedWrites.size() + 1);
		assertThat(this.listener.failedWrites).containsExactly(StoreOperation.COMPLETE);
		assertThat(this.executor.activeExecutions()).isZero();
	}

	@Test
	void failedReleaseIsReportedNotThrown() throws Exception {
		Execution execution = acquire(this.executor, POLICY.withLease(Duration.ofMillis(200)));
		this.store.fail(StoreOperation.RELEASE);
		assertThat(execution.release()).isEqualTo(WriteOutcome.FAILED);
		assertThat(this.listener.count(StoreOperation.RELEASE, StoreOperationResult.ERROR))
			.isEqualTo(this.listener.retriedWrites.size() + 1);
		assertThat(this.listener.failedWrites).containsExactly(StoreOperation.RELEASE);
	}

	// listener

	@Test
	void listenerSeesOutcomesAndStoreTimings() throws Exception {
		this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge);
		this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, this::charge);
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.EXECUTED, RequestOutcome.REPLAYED);
		assertThat(this.listener.storedBytes).containsExactly("receipt-1".length());
		assertThat(this.listener.storeCalls).extracting(RecordingListener.StoreCall::operation)
			.containsExactly(StoreOperation.CLAIM, StoreOperation.COMPLETE, StoreOperation.CLAIM);
		assertThat(this.listener.storeCalls).allSatisfy((call) -> {
			assertThat(call.store()).isEqualTo("faulty");
			assertThat(call.result()).isEqualTo(StoreOperationResult.SUCCESS);
			assertThat(call.elapsed().isNegative()).isFalse();
		});
	}

	// context

	@Test
	void contextIsBoundDuringTheActionAndUnboundAfter() throws Exception {
		AtomicReference<IdempotencyContext> seen = new AtomicReference<>();
		AtomicReference<OwnerToken> ownerInStore = new AtomicReference<>();
		this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, () -> {
			seen.set(IdempotencyContext.require());
			ownerInStore.set(this.store.find(this.key.storageKey(), this.clock.instant()).orElseThrow().owner());
			return charge();
		});
		assertThat(seen.get().ownerToken()).isEqualTo(ownerInStore.get());
		assertThat(seen.get().key()).isEqualTo(this.key);
		assertThat(seen.get().downstreamKey()).isEqualTo(this.key.downstreamKey());
		assertThat(IdempotencyContext.current()).isEmpty();
		assertThatIllegalStateException().isThrownBy(IdempotencyContext::require);
	}

	@Test
	void contextIsUnboundAfterAFailure() {
		assertThatThrownBy(() -> this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC, () -> {
			assertThat(IdempotencyContext.current()).isPresent();
			throw new IllegalStateException("boom");
		})).hasMessage("boom");
		assertThat(IdempotencyContext.current()).isEmpty();
	}

	@Test
	void nestedBindingRestoresTheOuterContext() throws Exception {
		Execution outer = acquire(this.executor, POLICY);
		Execution inner = ((ClaimOutcome.Acquired) this.executor.claim(IdempotencyKey.of("alice", "refund", "r-1"),
				FINGERPRINT, POLICY)).execution();
		try (IdempotencyContext.Scope outerScope = outer.context().bind()) {
			try (IdempotencyContext.Scope innerScope = inner.context().bind()) {
				assertThat(IdempotencyContext.require()).isSameAs(inner.context());
			}
			assertThat(IdempotencyContext.require()).isSameAs(outer.context());
		}
		assertThat(IdempotencyContext.current()).isEmpty();
	}

	@Test
	void retainResultIsRecordedOnTheContext() throws Exception {
		Execution execution = acquire(this.executor, POLICY);
		assertThat(execution.context().isResultRetained()).isFalse();
		execution.context().retainResult();
		assertThat(execution.context().isResultRetained()).isTrue();
	}

	// executions

	@Test
	void runningExecutionsShowHashedKeyEndpointLeaseDeadlineAndRenewals() throws Exception {
		assertThat(this.executor.runningExecutions()).isEmpty();
		Instant start = this.clock.instant();
		ExecutionPolicy shortLease = POLICY.withLease(Duration.ofMillis(30));
		Execution execution = acquire(this.executor, shortLease);
		RunningExecution fresh = this.executor.runningExecutions().get(0);
		assertThat(fresh.key()).isEqualTo(this.key.storageKey());
		assertThat(fresh.endpoint()).isEqualTo("charge");
		assertThat(fresh.startedAt()).isEqualTo(start);
		assertThat(fresh.leaseDeadline()).isEqualTo(start.plus(shortLease.lease()));
		// the executor's clock stands still, so every renewal succeeds and counts
		Await.until(() -> this.executor.runningExecutions().get(0).renewals() >= 2, "two renewals");
		this.clock.advance(Duration.ofMillis(5));
		assertThat(this.executor.runningExecutions().get(0).age(this.clock.instant())).isEqualTo(Duration.ofMillis(5));
		execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0]));
		assertThat(this.executor.runningExecutions()).isEmpty();
		assertThat(fresh.renewals()).as("a snapshot does not change").isZero();
	}

	@Test
	void activeExecutionsAndOldestStartFollowRunningExecutions() throws Exception {
		assertThat(this.executor.activeExecutions()).isZero();
		assertThat(this.executor.oldestActiveExecutionStart()).isEmpty();
		Instant firstStart = this.clock.instant();
		Execution first = acquire(this.executor, POLICY);
		this.clock.advance(Duration.ofSeconds(5));
		Instant secondStart = this.clock.instant();
		Execution second = ((ClaimOutcome.Acquired) this.executor.claim(IdempotencyKey.of("alice", "charge", "order-2"),
				FINGERPRINT, POLICY)).execution();
		assertThat(first.startedAt()).isEqualTo(firstStart);
		assertThat(this.executor.activeExecutions()).isEqualTo(2);
		assertThat(this.executor.oldestActiveExecutionStart()).contains(firstStart);
		first.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0]));
		assertThat(this.executor.activeExecutions()).isEqualTo(1);
		assertThat(this.executor.oldestActiveExecutionStart()).contains(secondStart);
		second.close();
		assertThat(this.executor.activeExecutions()).isZero();
		assertThat(this.executor.oldestActiveExecutionStart()).isEmpty();
	}

	@Test
	void executionEndsExactlyOnce() throws Exception {
		Execution execution = acquire(this.executor, POLICY);
		assertThat(execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0])))
			.isEqualTo(WriteOutcome.APPLIED);
		assertThat(execution.isEnded()).isTrue();
		assertThatIllegalStateException().isThrownBy(execution::release);
		assertThatIllegalStateException()
			.isThrownBy(() -> execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0])));
		execution.close();
		assertThat(this.listener.count(StoreOperation.RELEASE)).as("close after complete writes nothing").isZero();
	}

	@Test
	void closeReleasesAForgottenExecution() throws Exception {
		try (Execution execution = acquire(this.executor, POLICY)) {
			assertThat(execution.isEnded()).isFalse();
		}
		assertThat(this.store.find(this.key.storageKey(), this.clock.instant())).isEmpty();
		assertThat(this.listener.outcomes).containsExactly(RequestOutcome.RELEASED);
	}

	@Test
	void racingClosesReleaseOnceAndNeverThrow() throws Exception {
		for (int round = 0; round < 50; round++) {
			Execution execution = acquire(this.executor, POLICY);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> closes = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				closes.add(this.threads.submit(() -> {
					start.await();
					execution.close();
					return null;
				}));
			}
			start.countDown();
			for (Future<?> close : closes) {
				close.get(10, TimeUnit.SECONDS);
			}
			assertThat(this.listener.count(StoreOperation.RELEASE)).isEqualTo(round + 1);
		}
	}

	@Test
	void completionWithABadStateIsRefusedAndKeepsTheExecution() throws Exception {
		Execution execution = acquire(this.executor, POLICY);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> execution.complete(RecordState.ONGOING, StoredResponse.of(200, Map.of(), new byte[0])));
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> execution.complete(RecordState.FINISHED_OK, null));
		assertThat(execution.isEnded()).isFalse();
		assertThat(execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0])))
			.isEqualTo(WriteOutcome.APPLIED);
	}

	@Test
	void claimOnAClosedExecutorFailsAndLeavesTheKeyFree() {
		this.executor.close();
		assertThatIllegalStateException().isThrownBy(() -> this.executor.claim(this.key, FINGERPRINT, POLICY))
			.withMessageContaining("closed");
		assertThat(this.store.find(this.key.storageKey(), this.clock.instant())).isEmpty();
		assertThat(this.executor.activeExecutions()).isZero();
	}

	@Test
	void executorOnItsOwnSchedulerLeavesAPassedSchedulerRunning() throws Exception {
		java.util.concurrent.ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
		try {
			IdempotentExecutor shared = IdempotentExecutor.builder(new InMemoryIdempotencyStore())
				.scheduler(scheduler)
				.build();
			shared.close();
			assertThat(scheduler.isShutdown()).isFalse();
		}
		finally {
			scheduler.shutdownNow();
		}
	}

}
