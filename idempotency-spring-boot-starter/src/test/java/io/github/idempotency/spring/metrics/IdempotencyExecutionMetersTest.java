package io.github.idempotency.spring.metrics;

import java.time.Duration;
import java.time.Instant;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyExecutionMetersTest {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void gaugesFollowRunningExecutionsAndTheAgeOfTheOldest() throws InterruptedException {
		try (IdempotentExecutor executor = IdempotentExecutor.builder(new InMemoryIdempotencyStore())
			.clock(this.clock)
			.build()) {
			new IdempotencyExecutionMeters(() -> executor).bindTo(this.registry);
			assertThat(active()).isZero();
			assertThat(oldestAge()).isZero();

			ExecutionPolicy policy = ExecutionPolicy.defaults("payments").withLease(Duration.ofMinutes(5));
			ClaimOutcome first = executor.claim(IdempotencyKey.of("", "payments", "a"), RequestFingerprint.of("x"),
					policy);
			this.clock.advance(Duration.ofSeconds(20));
			ClaimOutcome second = executor.claim(IdempotencyKey.of("", "payments", "b"), RequestFingerprint.of("x"),
					policy);
			this.clock.advance(Duration.ofSeconds(10));
			assertThat(active()).isEqualTo(2);
			assertThat(oldestAge()).isEqualTo(30);

			((ClaimOutcome.Acquired) first).execution().close();
			assertThat(active()).isEqualTo(1);
			assertThat(oldestAge()).isEqualTo(10);

			((ClaimOutcome.Acquired) second).execution().close();
			assertThat(active()).isZero();
			assertThat(oldestAge()).isZero();
		}
	}

	@Test
	void gaugesReadZeroWithoutAnExecutor() {
		new IdempotencyExecutionMeters(() -> null).bindTo(this.registry);
		assertThat(active()).isZero();
		assertThat(oldestAge()).isZero();
	}

	private double active() {
		return this.registry.get(IdempotencyMetricNames.EXECUTIONS_ACTIVE).gauge().value();
	}

	private double oldestAge() {
		return this.registry.get(IdempotencyMetricNames.EXECUTIONS_OLDEST_AGE).gauge().value();
	}

}
