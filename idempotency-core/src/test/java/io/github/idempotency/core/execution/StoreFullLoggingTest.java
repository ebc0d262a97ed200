package io.github.idempotency.core.execution;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full bounded store reports its refusals itself, at a limited rate: the executor must not log each one with a
 * stack trace, while an unreachable store still gets its warning.
 */
class StoreFullLoggingTest {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge");

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("charge");

	private final Logger executorLogger = Logger.getLogger(IdempotentExecutor.class.getName());

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private final Handler capture = new Handler() {

		@Override
		public void publish(LogRecord record) {
			StoreFullLoggingTest.this.records.add(record);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	@BeforeEach
	void captureExecutorLog() {
		this.executorLogger.addHandler(this.capture);
	}

	@AfterEach
	void releaseExecutorLog() {
		this.executorLogger.removeHandler(this.capture);
	}

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

		assertThat(this.records).noneMatch((record) -> record.getLevel().intValue() >= Level.WARNING.intValue());
	}

	@Test
	void unreachableStoreIsStillLoggedWithItsCause() throws Exception {
		FaultyStore store = new FaultyStore();
		store.fail(StoreOperation.CLAIM);
		IdempotentExecutor executor = IdempotentExecutor.builder(store).build();

		executor.claim(IdempotencyKey.of("", "charge", "first"), FINGERPRINT, POLICY);

		assertThat(this.records).anySatisfy((record) -> {
			assertThat(record.getLevel()).isEqualTo(Level.WARNING);
			assertThat(record.getThrown()).hasMessage("connection refused");
		});
	}

}
