package io.github.idempotency.spring.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.idempotency.core.execution.IdempotentExecutor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Gauges of the executions running in this instance: {@link IdempotencyMetricNames#EXECUTIONS_ACTIVE} and
 * {@link IdempotencyMetricNames#EXECUTIONS_OLDEST_AGE} (0 when none runs). An oldest age that keeps growing past the
 * lease is a method that hangs while its lease is renewed; one that grows past the endpoint's timeout is worth an
 * alert.
 * <p>
 * The executor is looked up when a gauge is read, not when the gauges are bound, so that binding never forces the
 * executor (and through it the store) to be created early; both gauges read 0 while no executor exists.
 */
public class IdempotencyExecutionMeters implements MeterBinder {

	private final Supplier<@Nullable IdempotentExecutor> executor;

	/**
	 * Creates gauges of the executor that {@code executor} supplies when they are read.
	 * @param executor supplies the executor, or {@code null} while there is none
	 */
	public IdempotencyExecutionMeters(Supplier<@Nullable IdempotentExecutor> executor) {
		this.executor = Objects.requireNonNull(executor, "executor");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(IdempotencyMetricNames.EXECUTIONS_ACTIVE, this, IdempotencyExecutionMeters::activeExecutions)
			.description("Executions holding an idempotency key in this instance")
			.strongReference(true)
			.register(registry);
		Gauge.builder(IdempotencyMetricNames.EXECUTIONS_OLDEST_AGE, this, IdempotencyExecutionMeters::oldestAgeSeconds)
			.description("How long the oldest execution still running in this instance has held its key")
			.baseUnit("seconds")
			.strongReference(true)
			.register(registry);
	}

	private double activeExecutions() {
		IdempotentExecutor executor = this.executor.get();
		return (executor != null) ? executor.activeExecutions() : 0;
	}

	private double oldestAgeSeconds() {
		IdempotentExecutor executor = this.executor.get();
		if (executor == null) {
			return 0;
		}
		Optional<Instant> oldest = executor.oldestActiveExecutionStart();
		if (oldest.isEmpty()) {
			return 0;
		}
		Duration age = Duration.between(oldest.get(), executor.clock().instant());
		return Math.max(0, age.toNanos() / 1e9);
	}

}
