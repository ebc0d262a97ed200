package io.github.idempotency.spring.metrics.autoconfigure;

import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.metrics.IdempotencyExecutionMeters;
import io.github.idempotency.spring.metrics.MemoryStoreMeters;
import io.github.idempotency.spring.metrics.MicrometerIdempotencyListener;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Publishes idempotency metrics to the application's {@link MeterRegistry}: a
 * {@link MicrometerIdempotencyListener}, which the core auto-configuration hands to the executor with every other
 * {@code IdempotencyListener} bean, the {@link IdempotencyExecutionMeters} gauges and, when the store is the
 * in-memory one, its {@link MemoryStoreMeters}. Switched off with
 * {@code idempotency.metrics.enabled=false} (or {@code idempotency.enabled=false}).
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "idempotency.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "idempotency.metrics.enabled", matchIfMissing = true)
public final class IdempotencyMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerIdempotencyListener micrometerIdempotencyListener(MeterRegistry registry) {
		return new MicrometerIdempotencyListener(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotencyExecutionMeters idempotencyExecutionMeters(ObjectProvider<IdempotentExecutor> executor) {
		return new IdempotencyExecutionMeters(executor::getIfAvailable);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(InMemoryIdempotencyStore.class)
	MemoryStoreMeters idempotencyMemoryStoreMeters(ObjectProvider<InMemoryIdempotencyStore> store) {
		return new MemoryStoreMeters(store::getIfUnique);
	}

}
