package io.github.idempotency.core.execution;

import java.util.logging.Level;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.CapturedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full bounded store reports its refusals itself, at a limited rate: the executor must not log each one with a
 * stack trace, while an unreachable store still gets its warning.
 */
class StoreFullLoggingTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge");

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("charge");

	@RegisterExtension
	final CapturedLog executorLog = CapturedLog.of(IdempotentExecutor.class);

	@Test
	void refusalsOfAFullStoreAreNotLoggedPerRequest() throws Exception {
		IdempotentExecutor executor = IdempotentExecutor.builder(InMemoryIdempotencyStore.builder().maxRecords(1).build())
			.build();
		assertThat(executor.claim(IdempotencyKey.of("", "charge", "first"), FINGERPRINT, POLICY))
			.isInstanceOf(ClaimOutcome.Acquired.class);

		for (int i = 0; i < 3; i++) {
			assertThat(executor.claim(IdempotencyKey.of("", "charge", "next-" + i), FINGERPRINT, POLICY))
				.isInstanceOf(ClaimOutcome.StoreUnavailable.class);
		}

		assertThat(this.executorLog.atLeast(Level.WARNING)).isEmpty();
	}

	@Test
	void unreachableStoreIsStillLoggedWithItsCause() throws Exception {
		FaultyStore store = new FaultyStore();
		store.fail(StoreOperation.CLAIM);
		IdempotentExecutor executor = IdempotentExecutor.builder(store).build();

		executor.claim(IdempotencyKey.of("", "charge", "first"), FINGERPRINT, POLICY);

		assertThat(this.executorLog.records()).anySatisfy((record) -> {
			assertThat(record.getLevel()).isEqualTo(Level.WARNING);
			assertThat(record.getThrown()).hasMessage("connection refused");
		});
	}

}
