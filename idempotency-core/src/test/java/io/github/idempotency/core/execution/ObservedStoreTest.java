package io.github.idempotency.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executor times its store calls from the time it reads before them anyway (the claim's, which dates the lease
 * for its renewals; the completion's, which bounds its retries), and not at all when no listener hears of them.
 */
class ObservedStoreTest {

	private static final Duration SLOW = Duration.ofMillis(50);

	private static final StoredResponse RECEIPT = StoredResponse.of(200, Map.of(), new byte[] { 1 });

	@Test
	void claimAndCompletionAreTimedFromTheirStart() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (IdempotentExecutor executor = IdempotentExecutor.builder(new SlowStore()).listener(listener).build()) {
			ClaimOutcome outcome = executor.claim(IdempotencyKey.of("", "charge", "order-1"),
					RequestFingerprint.of("charge"), ExecutionPolicy.defaults("charge"));
			((ClaimOutcome.Acquired) outcome).execution().complete(RecordState.FINISHED_OK, RECEIPT);
		}
		assertThat(listener.storeCalls).extracting(RecordingListener.StoreCall::operation)
			.containsExactly(StoreOperation.CLAIM, StoreOperation.COMPLETE);
		// at least what the store took, and nothing like the time since the JVM started (a start of 0)
		assertThat(listener.storeCalls).allSatisfy((call) -> assertThat(call.elapsed()).isGreaterThanOrEqualTo(SLOW)
			.isLessThan(Duration.ofSeconds(30)));
	}

	@Test
	void listenerThatHearsNothingIsLeftOut() {
		RecordingListener recording = new RecordingListener();
		assertThat(new CompositeIdempotencyListener(List.of(IdempotencyListener.NONE)).isEmpty()).isTrue();
		assertThat(new CompositeIdempotencyListener(List.of()).isEmpty()).isTrue();
		CompositeIdempotencyListener composite = new CompositeIdempotencyListener(
				List.of(IdempotencyListener.NONE, recording));
		assertThat(composite.isEmpty()).isFalse();
		composite.onOutcome("charge", RequestOutcome.EXECUTED);
		assertThat(recording.outcomes).containsExactly(RequestOutcome.EXECUTED);
	}

	/** A store whose claims and completions take a while. */
	private static final class SlowStore extends FaultyStore {

		@Override
		public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
			take();
			return super.claim(key, fingerprint, now, lease);
		}

		@Override
		public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
				Instant now, Duration retention) {
			take();
			return super.complete(key, owner, state, response, now, retention);
		}

		private static void take() {
			// what this simulates is a slow store, not a wait for something to happen
			try {
				Thread.sleep(SLOW.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

}
