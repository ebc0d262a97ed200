package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.Utf8StringCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

class CompositeIdempotencyListenerTest {

	private static final ResultCodec<String> CODEC = new Utf8StringCodec();

	private final RecordingListener before = new RecordingListener();

	private final RecordingListener after = new RecordingListener();

	private final CompositeIdempotencyListener composite = new CompositeIdempotencyListener(
			List.of(this.before, new ThrowingListener(), this.after));

	@Test
	void aThrowingListenerNeitherFailsTheCallerNorStarvesTheListenersAfterIt() {
		assertThatNoException().isThrownBy(() -> {
			this.composite.onOutcome("charge", RequestOutcome.EXECUTED);
			this.composite.onStoreOperation("memory", StoreOperation.CLAIM, StoreOperationResult.SUCCESS,
					Duration.ofMillis(1));
			this.composite.onFencedWrite("charge", StoreOperation.RELEASE);
			this.composite.onResponseStored("charge", 12);
		});

		for (RecordingListener listener : List.of(this.before, this.after)) {
			assertThat(listener.outcomes).containsExactly(RequestOutcome.EXECUTED);
			assertThat(listener.count(StoreOperation.CLAIM, StoreOperationResult.SUCCESS)).isOne();
			assertThat(listener.fencedWrites).containsExactly(StoreOperation.RELEASE);
			assertThat(listener.storedBytes).containsExactly(12);
		}
	}

	@Test
	void aThrowingListenerNeverReachesTheRequestPathOfTheExecutor() throws Exception {
		RecordingListener recording = new RecordingListener();
		try (IdempotentExecutor executor = IdempotentExecutor.builder(new InMemoryIdempotencyStore())
			.listener(new CompositeIdempotencyListener(List.of(new ThrowingListener(), recording)))
			.build()) {
			IdempotencyKey key = IdempotencyKey.of("alice", "charge", "order-1");
			RequestFingerprint fingerprint = RequestFingerprint.of("charge", "100 EUR");

			ExecutionResult<String> first = executor.execute(key, fingerprint, ExecutionPolicy.defaults("charge"),
					CODEC, () -> "receipt");
			ExecutionResult<String> second = executor.execute(key, fingerprint, ExecutionPolicy.defaults("charge"),
					CODEC, () -> "second receipt");

			assertThat(first).isEqualTo(new ExecutionResult.Executed<>("receipt", false));
			assertThat(second).isEqualTo(new ExecutionResult.Replayed<>("receipt"));
			assertThat(recording.outcomes).containsExactly(RequestOutcome.EXECUTED, RequestOutcome.REPLAYED);
			assertThat(executor.activeExecutions()).isZero();
		}
	}

	@Test
	void theExecutorShieldsTheRequestFromAListenerItWasGivenDirectly() throws Exception {
		try (IdempotentExecutor executor = IdempotentExecutor.builder(new InMemoryIdempotencyStore())
			.listener(new ThrowingListener())
			.build()) {
			IdempotencyKey key = IdempotencyKey.of("alice", "charge", "order-2");

			ExecutionResult<String> result = executor.execute(key, RequestFingerprint.of("charge"),
					ExecutionPolicy.defaults("charge"), CODEC, () -> "receipt");

			assertThat(result).isEqualTo(new ExecutionResult.Executed<>("receipt", false));
			assertThat(executor.store().find(key.storageKey(), executor.clock().instant()))
				.hasValueSatisfying((record) -> assertThat(record.state().isFinished()).isTrue());
		}
	}

	/** A listener that breaks its contract on every event. */
	private static final class ThrowingListener implements IdempotencyListener {

		@Override
		public void onOutcome(String endpoint, RequestOutcome outcome) {
			throw new IllegalStateException("outcome listener broke");
		}

		@Override
		public void onStoreOperation(String store, StoreOperation operation, StoreOperationResult result,
				Duration elapsed) {
			throw new IllegalStateException("store listener broke");
		}

		@Override
		public void onFencedWrite(String endpoint, StoreOperation operation) {
			throw new IllegalStateException("fenced-write listener broke");
		}

		@Override
		public void onResponseStored(String endpoint, int bytes) {
			throw new IllegalStateException("stored-response listener broke");
		}

	}

}
