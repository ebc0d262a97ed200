package io.github.idempotency.spring.health.autoconfigure;

import java.time.Clock;

import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.autoconfigure.IdempotencyProperties;
import io.github.idempotency.spring.health.IdempotencyStoreHealthIndicator;
import io.github.idempotency.spring.health.IdempotencyStoreProbe;
import io.github.idempotency.spring.health.RedisEvictionPolicyProbe;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Registers the {@code idempotency} health indicator ({@link IdempotencyStoreHealthIndicator}) for the
 * application's {@link IdempotencyStore}, with a {@link RedisEvictionPolicyProbe} when a
 * {@link RedisConnectionFactory} (a single candidate) exists. Switched off with
 * {@code management.health.idempotency.enabled=false}.
 */
@AutoConfiguration(afterName = { "io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnSingleCandidate(IdempotencyStore.class)
@ConditionalOnBooleanProperty(name = "idempotency.enabled", matchIfMissing = true)
@ConditionalOnEnabledHealthIndicator("idempotency")
@EnableConfigurationProperties(IdempotencyProperties.class)
public final class IdempotencyHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "idempotencyHealthIndicator")
	IdempotencyStoreHealthIndicator idempotencyHealthIndicator(IdempotencyStore store,
			ObjectProvider<IdempotentExecutor> executor, ObjectProvider<IdempotencyStoreProbe> probes) {
		Clock clock = executor.stream().findFirst().map(IdempotentExecutor::clock).orElseGet(Clock::systemUTC);
		return new IdempotencyStoreHealthIndicator(store, clock, probes.orderedStream().toList());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisConnectionFactory.class)
	@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
	static class RedisProbeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisEvictionPolicyProbe idempotencyRedisEvictionPolicyProbe(RedisConnectionFactory connectionFactory,
				IdempotencyProperties properties) {
			return new RedisEvictionPolicyProbe(connectionFactory, properties.getRedis().getEvictionPolicyCheck());
		}

	}

}
