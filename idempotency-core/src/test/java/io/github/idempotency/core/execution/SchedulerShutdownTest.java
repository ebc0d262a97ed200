package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.Await;
import io.github.idempotency.core.testing.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A scheduler of the application's, passed to the builder, shut down while executions run: renewals stop, which
 * must be logged once and reported as lost leases rather than go unnoticed until another instance takes a key over.
 */
class SchedulerShutdownTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge", "100 EUR");

	private static final StoredResponse RECEIPT = StoredResponse.of(200, Map.of(), new byte[] { 1 });

	private final MutableClock clock = MutableClock.start();

	private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();

	private final RecordingListener listener = new RecordingListener();

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

	private final IdempotentExecutor executor = IdempotentExecutor.builder(this.store)
		.clock(this.clock)
		.listener(this.listener)
		.scheduler(this.scheduler)
		.build();

	@RegisterExtension
	final CapturedLog executorLog = CapturedLog.of(IdempotentExecutor.class);

	@AfterEach
	void close() {
		this.executor.close();
		this.scheduler.shutdownNow();
	}

	@Test
	void schedulerShutDownNowReportsEveryRunningExecutionLostAndRefusesNewClaims() throws Exception {
		// a lease of an hour: its first renewal, twenty minutes away, is the sweep that shutdownNow drops unrun
		ExecutionPolicy policy = ExecutionPolicy.defaults("charge").withLease(Duration.ofHours(1));
		Execution first = acquire(IdempotencyKey.of("", "charge", "first"), policy);
		Execution second = acquire(IdempotencyKey.of("", "charge", "second"), policy);
		assertThat(first.context().isLeaseLost()).isFalse();

		this.scheduler.shutdownNow();

		// the executor's clock stands still: only the stopped renewals can make the lease lost
		assertThat(first.context().isLeaseLost()).isTrue();
		assertThat(second.context().isLeaseLost()).isTrue();
		assertThat(this.listener.failedWrites).containsExactly(StoreOperation.RENEW, StoreOperation.RENEW);
		IdempotencyKey refused = IdempotencyKey.of("", "charge", "refused");
		assertThatIllegalStateException().isThrownBy(() -> this.executor.claim(refused, FINGERPRINT, policy))
			.withMessageContaining("scheduler was shut down");
		assertThat(this.store.find(refused.storageKey(), this.clock.instant())).isEmpty();
		assertThat(errors()).singleElement()
			.satisfies((record) -> assertThat(record.getMessage()).contains("was shut down")
				.contains("leases are no longer renewed")
				.contains("isLeaseLost()"));
		// within its lease the record is still the execution's own: its result is stored
		assertThat(first.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);
		second.close();
		assertThat(errors()).hasSize(1);
		assertThat(this.listener.failedWrites).hasSize(2);
	}

	@Test
	void schedulerShutDownUnderASweepIsNoticedByTheSweep() throws Exception {
		// shutdown() lets the sweep already scheduled run, a third of this lease from now; it can schedule nothing
		ExecutionPolicy policy = ExecutionPolicy.defaults("charge").withLease(Duration.ofMillis(150));
		Execution execution = acquire(IdempotencyKey.of("", "charge", "running"), policy);

		this.scheduler.shutdown();

		// the flag the sweep sets, not isLeaseLost() of the context, which would look at the scheduler itself
		Await.until(execution::isLeaseLost, "the sweep to report the lease lost");
		assertThat(this.listener.failedWrites).containsExactly(StoreOperation.RENEW);
		assertThat(errors()).singleElement()
			.satisfies((record) -> assertThat(record.getMessage()).contains("leases are no longer renewed"));
		execution.close();
	}

	@Test
	void anExecutionEndingWhenTheShutDownIsNoticedIsNotReportedLost() throws Exception {
		Execution ending = acquire(IdempotencyKey.of("", "charge", "ending"),
				ExecutionPolicy.defaults("charge").withLease(Duration.ofHours(1)));
		this.scheduler.shutdownNow();

		// its completion notices the shut-down: the others running are lost, not the one whose result is being written
		assertThat(ending.complete(RecordState.FINISHED_OK, RECEIPT)).isEqualTo(WriteOutcome.APPLIED);

		assertThat(ending.isLeaseLost()).isFalse();
		assertThat(this.listener.failedWrites).isEmpty();
		assertThat(errors()).hasSize(1);
	}

	@Test
	void schedulerShutDownAfterTheExecutorClosedIsNoError() throws Exception {
		Execution execution = acquire(IdempotencyKey.of("", "charge", "closing"),
				ExecutionPolicy.defaults("charge").withLease(Duration.ofHours(1)));
		this.executor.close();
		this.scheduler.shutdownNow();
		execution.complete(RecordState.FINISHED_OK, RECEIPT);
		assertThat(errors()).isEmpty();
		assertThat(this.listener.failedWrites).isEmpty();
	}

	private List<LogRecord> errors() {
		return this.executorLog.atLeast(Level.SEVERE);
	}

	private Execution acquire(IdempotencyKey key, ExecutionPolicy policy) throws InterruptedException {
		ClaimOutcome outcome = this.executor.claim(key, FINGERPRINT, policy);
		assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
		return ((ClaimOutcome.Acquired) outcome).execution();
	}

}
