package io.github.idempotency.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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

/**
 * Renewals run on threads of their own with a timeout, report their lag, and stop after the maximum execution time.
 */
class LeaseRenewalTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge", "100 EUR");

	private static final Duration LEASE = Duration.ofMillis(150);

	private final MutableClock clock = MutableClock.start();

	private final StuckRenewalStore store = new StuckRenewalStore();

	private final RecordingListener listener = new RecordingListener();

	private final IdempotentExecutor executor = IdempotentExecutor.builder(this.store)
		.clock(this.clock)
		.listener(this.listener)
		.build();

	@AfterEach
	void close() {
		this.store.release.countDown();
		this.executor.close();
	}

	@Test
	void methodRunningPastMaxExecutionTimeLosesItsKeyOnceTheLeaseRunsOut() throws Exception {
		ExecutionPolicy policy = ExecutionPolicy.defaults("charge")
			.withLease(LEASE)
			.withMaxExecutionTime(Duration.ofSeconds(1));
		IdempotencyKey key = IdempotencyKey.of("", "charge", "slow");
		Execution execution = acquire(key, policy);
		IdempotencyContext context = execution.context();
		Instant claimedAt = this.clock.instant();

		// within the maximum execution time the lease follows the clock, one renewal after each step
		while (this.clock.instant().isBefore(claimedAt.plus(policy.maxExecutionTime()))) {
			this.clock.advance(Duration.ofMillis(100));
			Instant now = this.clock.instant();
			Await.until(() -> !context.leaseDeadline().isBefore(now.plus(LEASE)) || execution.isRenewalStopped(),
					"a renewal at " + now);
			if (now.isBefore(claimedAt.plus(policy.maxExecutionTime()))) {
				assertThat(context.isLeaseLost()).isFalse();
				assertThat(this.executor.claim(key, FINGERPRINT, policy)).isInstanceOf(ClaimOutcome.InProgress.class);
			}
		}
		Await.until(execution::isRenewalStopped, "renewals stop past the maximum execution time");
		Instant deadline = context.leaseDeadline();
		assertThat(deadline).isBeforeOrEqualTo(claimedAt.plus(policy.maxExecutionTime()).plus(LEASE));
		assertThat(context.isLeaseLost()).isFalse();

		this.clock.set(deadline);

		assertThat(context.isLeaseLost()).isTrue();
		ClaimOutcome takeover = this.executor.claim(key, FINGERPRINT, policy);
		assertThat(takeover).isInstanceOf(ClaimOutcome.Acquired.class);
		assertThat(execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0])))
			.isEqualTo(WriteOutcome.FENCED);
		((ClaimOutcome.Acquired) takeover).execution().close();
	}

	@Test
	void renewalStuckInTheStoreIsInterruptedAndDoesNotHoldUpOtherRenewals() throws Exception {
		ExecutionPolicy policy = ExecutionPolicy.defaults("charge").withLease(LEASE);
		IdempotencyKey stuck = IdempotencyKey.of("", "charge", "stuck");
		IdempotencyKey live = IdempotencyKey.of("", "charge", "live");
		this.store.stuckKey = stuck.storageKey();
		Execution stuckExecution = acquire(stuck, policy);
		Execution liveExecution = acquire(live, policy);

		assertThat(this.store.stuck.await(10, TimeUnit.SECONDS)).isTrue();
		// the stuck call is interrupted after its timeout (a quarter of the lease)
		assertThat(this.store.interrupted.await(10, TimeUnit.SECONDS)).isTrue();
		// meanwhile the other execution's lease goes on being renewed, each renewal reporting its lag
		int renewalsBefore = this.listener.renewalLags.size();
		this.clock.advance(Duration.ofMillis(100));
		Instant now = this.clock.instant();
		Await.until(() -> !liveExecution.context().leaseDeadline().isBefore(now.plus(LEASE)), "a renewal of the live key");
		assertThat(this.listener.renewalLags.size()).isGreaterThan(renewalsBefore);
		assertThat(this.listener.renewalLags).allSatisfy((lag) -> assertThat(lag.isNegative()).isFalse());
		assertThat(LeaseKeepAlive.renewalTimeout(LEASE)).isLessThan(LEASE.dividedBy(3));
		stuckExecution.close();
		liveExecution.close();
	}

	private Execution acquire(IdempotencyKey key, ExecutionPolicy policy) throws InterruptedException {
		ClaimOutcome outcome = this.executor.claim(key, FINGERPRINT, policy);
		assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
		return ((ClaimOutcome.Acquired) outcome).execution();
	}

	/** Blocks the renewals of one key until interrupted, as a renewal waiting for a pooled connection does. */
	private static final class StuckRenewalStore extends FaultyStore {

		final CountDownLatch stuck = new CountDownLatch(1);

		final CountDownLatch interrupted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile StorageKey stuckKey;

		@Override
		public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
			if (key.equals(this.stuckKey)) {
				this.stuck.countDown();
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					this.interrupted.countDown();
					Thread.currentThread().interrupt();
					throw new io.github.idempotency.core.store.IdempotencyStoreException("interrupted", ex);
				}
			}
			return super.renew(key, owner, now, lease);
		}

	}

}
