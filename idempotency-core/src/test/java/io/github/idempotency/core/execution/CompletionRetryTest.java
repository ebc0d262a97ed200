package io.github.idempotency.core.execution;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.testing.Utf8StringCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A completion that fails with a store error is tried again while the lease lasts: the record ends finished, a
 * duplicate meanwhile is told "in progress", and a retry afterwards replays.
 */
class CompletionRetryTest {

	private static final ResultCodec<String> CODEC = new Utf8StringCodec();

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge", "100 EUR");

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("charge");

	private final MutableClock clock = MutableClock.start();

	private final FaultyStore store = new FaultyStore();

	private final RecordingListener listener = new RecordingListener();

	private final IdempotentExecutor executor = IdempotentExecutor.builder(this.store)
		.clock(this.clock)
		.listener(this.listener)
		.build();

	private final IdempotencyKey key = IdempotencyKey.of("alice", "charge", "order-1");

	private final AtomicInteger runs = new AtomicInteger();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void close() {
		this.threads.shutdownNow();
		this.executor.close();
	}

	@Test
	void completionThatFailsTwiceIsRetriedSoTheRecordEndsFinishedAndARetryReplays() throws Exception {
		this.store.failNext(StoreOperation.COMPLETE, 2);

		ExecutionResult<String> first = this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC,
				() -> "receipt-" + this.runs.incrementAndGet());
		ExecutionResult<String> retry = this.executor.execute(this.key, FINGERPRINT, POLICY, CODEC,
				() -> "receipt-" + this.runs.incrementAndGet());

		assertThat(first).isEqualTo(new ExecutionResult.Executed<>("receipt-1", false));
		assertThat(this.store.find(this.key.storageKey(), this.clock.instant()).orElseThrow().state())
			.isEqualTo(RecordState.FINISHED_OK);
		assertThat(retry).isEqualTo(new ExecutionResult.Replayed<>("receipt-1"));
		assertThat(this.runs).hasValue(1);
		assertThat(this.listener.retriedWrites).containsExactly(StoreOperation.COMPLETE, StoreOperation.COMPLETE);
		assertThat(this.listener.failedWrites).isEmpty();
		assertThat(this.listener.count(StoreOperation.COMPLETE, StoreOperationResult.ERROR)).isEqualTo(2);
		assertThat(this.listener.count(StoreOperation.COMPLETE, StoreOperationResult.SUCCESS)).isEqualTo(1);
	}

	@Test
	void duplicateWhileTheCompletionIsRetriedIsToldInProgressAndNeverRuns() throws Exception {
		HeldCompletionStore held = new HeldCompletionStore();
		try (IdempotentExecutor executor = IdempotentExecutor.builder(held).clock(this.clock).build()) {
			held.failing = true;
			Future<ExecutionResult<String>> first = this.threads.submit(() -> executor.execute(this.key, FINGERPRINT,
					POLICY, CODEC, () -> "receipt-" + this.runs.incrementAndGet()));
			// the first completion attempt failed: the writer is now retrying
			assertThat(held.failedOnce.await(10, TimeUnit.SECONDS)).isTrue();

			ExecutionResult<String> duplicate = executor.execute(this.key, FINGERPRINT, POLICY, CODEC,
					() -> "receipt-" + this.runs.incrementAndGet());
			held.failing = false;

			assertThat(duplicate).isInstanceOf(ExecutionResult.InProgress.class);
			assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new ExecutionResult.Executed<>("receipt-1", false));
			assertThat(executor.execute(this.key, FINGERPRINT, POLICY, CODEC,
					() -> "receipt-" + this.runs.incrementAndGet()))
				.isEqualTo(new ExecutionResult.Replayed<>("receipt-1"));
			assertThat(this.runs).hasValue(1);
		}
	}

	@Test
	void completionIsGivenUpOnceTheLeaseRunsOutAndReportedOnce() throws Exception {
		Execution execution = ((ClaimOutcome.Acquired) this.executor.claim(this.key, FINGERPRINT,
				POLICY.withLease(Duration.ofMillis(150)))).execution();
		this.store.fail(StoreOperation.COMPLETE);

		assertThat(execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0])))
			.isEqualTo(WriteOutcome.FAILED);
		assertThat(this.listener.failedWrites).containsExactly(StoreOperation.COMPLETE);
		assertThat(this.listener.retriedWrites).isNotEmpty().containsOnly(StoreOperation.COMPLETE);
		assertThat(this.executor.activeExecutions()).isZero();
	}

	@Test
	void completionWhoseFailedAttemptWasAppliedAnywayIsReportedStoredNotFenced() throws Exception {
		LostReplyStore lostReply = new LostReplyStore();
		try (IdempotentExecutor executor = IdempotentExecutor.builder(lostReply)
			.clock(this.clock)
			.listener(this.listener)
			.build()) {
			Execution execution = ((ClaimOutcome.Acquired) executor.claim(this.key, FINGERPRINT, POLICY)).execution();

			WriteOutcome outcome = execution.complete(RecordState.FINISHED_OK,
					StoredResponse.of(201, Map.of(), "receipt-1".getBytes(StandardCharsets.UTF_8)));

			// the first attempt was applied but answered with an error; the retry found the record finished
			assertThat(lostReply.completions).hasValue(2);
			assertThat(outcome).isEqualTo(WriteOutcome.APPLIED);
			assertThat(this.listener.fencedWrites).isEmpty();
			assertThat(this.listener.retriedWrites).containsExactly(StoreOperation.COMPLETE);
		}
	}

	@Test
	void completionRefusedAfterARetryBecauseAnotherOwnerFinishedIsStillReportedFenced() throws Exception {
		LostReplyStore lostReply = new LostReplyStore();
		try (IdempotentExecutor executor = IdempotentExecutor.builder(lostReply)
			.clock(this.clock)
			.listener(this.listener)
			.build()) {
			lostReply.storedInstead = StoredResponse.of(201, Map.of(), "receipt-2".getBytes(StandardCharsets.UTF_8));
			Execution execution = ((ClaimOutcome.Acquired) executor.claim(this.key, FINGERPRINT, POLICY)).execution();

			WriteOutcome outcome = execution.complete(RecordState.FINISHED_OK,
					StoredResponse.of(201, Map.of(), "receipt-1".getBytes(StandardCharsets.UTF_8)));

			assertThat(outcome).isEqualTo(WriteOutcome.FENCED);
			assertThat(this.listener.fencedWrites).containsExactly(StoreOperation.COMPLETE);
		}
	}

	/**
	 * Applies the first attempt of each completion and then fails it, as a store does whose reply is lost (a
	 * timeout, a reset connection); with {@code storedInstead}, that first attempt stores another response, as if
	 * another owner had finished the record meanwhile.
	 */
	private static final class LostReplyStore extends FaultyStore {

		final AtomicInteger completions = new AtomicInteger();

		private final Set<StorageKey> attempted = ConcurrentHashMap.newKeySet();

		volatile StoredResponse storedInstead;

		@Override
		public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
				java.time.Instant now, Duration retention) {
			this.completions.incrementAndGet();
			if (this.attempted.add(key)) {
				super.complete(key, owner, state, (this.storedInstead != null) ? this.storedInstead : response, now,
						retention);
				throw new io.github.idempotency.core.store.IdempotencyStoreException("reply lost");
			}
			return super.complete(key, owner, state, response, now, retention);
		}

	}

	/** Fails completions while {@code failing}, and says when it failed the first time. */
	private static final class HeldCompletionStore extends FaultyStore {

		final CountDownLatch failedOnce = new CountDownLatch(1);

		volatile boolean failing;

		@Override
		public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
				java.time.Instant now, Duration retention) {
			if (this.failing) {
				this.failedOnce.countDown();
				throw new io.github.idempotency.core.store.IdempotencyStoreException("timeout");
			}
			return super.complete(key, owner, state, response, now, retention);
		}

	}

}
