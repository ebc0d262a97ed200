package io.github.idempotency.core.execution;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.MutableClock;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Once the protected code returned, its effects happened: a failure after that (the codec) never releases the key.
 */
class FailureAfterReturnTest {

	/** A codec that cannot encode what the code returns, as Jackson fails on a getter that throws. */
	private static final ResultCodec<String> UNENCODABLE = new ResultCodec<>() {

		@Override
		public byte[] encode(String value) {
			throw new IllegalArgumentException("cannot serialize " + value);
		}

		@Override
		public String decode(byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}

	};

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge", "100 EUR");

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("charge");

	private final MutableClock clock = MutableClock.start();

	private final FaultyStore store = new FaultyStore();

	private final IdempotentExecutor executor = IdempotentExecutor.builder(this.store).clock(this.clock).build();

	private final IdempotencyKey key = IdempotencyKey.of("alice", "charge", "order-1");

	private final AtomicInteger runs = new AtomicInteger();

	@AfterEach
	void close() {
		this.executor.close();
	}

	@Test
	void valueThatCannotBeEncodedRunsOnceAndTheRetrySaysWhy() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.executor.execute(this.key, FINGERPRINT, POLICY, UNENCODABLE, this::charge))
			.withMessage("cannot serialize receipt-1");

		assertThatExceptionOfType(RetainedFailureException.class)
			.isThrownBy(() -> this.executor.execute(this.key, FINGERPRINT, POLICY, UNENCODABLE, this::charge))
			.withMessageContaining("could not be encoded")
			.withMessageContaining("cannot serialize receipt-1")
			.withMessageContaining("does not run again");
		assertThat(this.runs).hasValue(1);
		assertThat(this.store.find(this.key.storageKey(), this.clock.instant()).orElseThrow().state())
			.isEqualTo(RecordState.FINISHED_ERROR);
	}

	@Test
	void exceptionFromTheCodeItselfStillReleasesTheKey() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.executor.execute(this.key,
				FINGERPRINT, POLICY, UNENCODABLE, () -> {
					this.runs.incrementAndGet();
					throw new IllegalStateException("psp down");
				}));
		assertThat(this.store.find(this.key.storageKey(), this.clock.instant())).isEmpty();
	}

	private String charge() {
		return "receipt-" + this.runs.incrementAndGet();
	}

}
