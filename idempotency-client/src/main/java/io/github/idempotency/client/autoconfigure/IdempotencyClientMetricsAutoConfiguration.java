package io.github.idempotency.client.autoconfigure;

import io.github.idempotency.client.metrics.MicrometerIdempotentRetryListener;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Counts the retrying client's attempts and replays in the application's {@link MeterRegistry}: a
 * {@link MicrometerIdempotentRetryListener} bean, which {@link IdempotencyClientAutoConfiguration} hands to the
 * interceptor. Only with Micrometer on the classpath and a registry bean; switched off with
 * {@code idempotency.client.metrics.enabled=false}.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		before = IdempotencyClientAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "idempotency.client.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "idempotency.client.metrics.enabled", matchIfMissing = true)
public final class IdempotencyClientMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerIdempotentRetryListener micrometerIdempotentRetryListener(MeterRegistry registry) {
		return new MicrometerIdempotentRetryListener(registry);
	}

}
