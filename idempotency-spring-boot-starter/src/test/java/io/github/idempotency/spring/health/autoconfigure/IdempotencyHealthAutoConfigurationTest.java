package io.github.idempotency.spring.health.autoconfigure;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.redis.EvictionPolicyCheck;
import io.github.idempotency.spring.health.IdempotencyStoreHealthIndicator;
import io.github.idempotency.spring.health.RedisEvictionPolicyProbe;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyHealthAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyHealthAutoConfiguration.class));

	@Test
	void registersIdempotencyIndicatorForTheStore() {
		this.runner.withUserConfiguration(StoreConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(IdempotencyStoreHealthIndicator.class)
				.hasBean("idempotencyHealthIndicator")
				.doesNotHaveBean(RedisEvictionPolicyProbe.class);
			HealthIndicator indicator = context.getBean("idempotencyHealthIndicator", HealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void backsOffWithoutAStore() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(IdempotencyStoreHealthIndicator.class));
	}

	@Test
	void backsOffWithoutBootHealth() {
		this.runner.withUserConfiguration(StoreConfiguration.class)
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(IdempotencyStoreHealthIndicator.class));
	}

	@Test
	void switchedOffByManagementProperty() {
		this.runner.withUserConfiguration(StoreConfiguration.class)
			.withPropertyValues("management.health.idempotency.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyStoreHealthIndicator.class));
	}

	@Test
	void addsRedisEvictionProbeWhenRedisIsPresentWithTheConfiguredCheck() {
		this.runner.withUserConfiguration(StoreConfiguration.class, RedisConfiguration.class)
			.withPropertyValues("idempotency.redis.eviction-policy-check=warn")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisEvictionPolicyProbe.class);
				assertThat(ReflectionTestUtils.getField(context.getBean(RedisEvictionPolicyProbe.class), "check"))
					.isEqualTo(EvictionPolicyCheck.WARN);
			});
	}

	@Test
	void noRedisProbeWhenSeveralConnectionFactoriesLeaveItAmbiguous() {
		this.runner.withUserConfiguration(StoreConfiguration.class, RedisConfiguration.class)
			.withBean("otherRedisConnectionFactory", LettuceConnectionFactory.class,
					() -> new LettuceConnectionFactory("127.0.0.1", 2))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(IdempotencyStoreHealthIndicator.class)
				.doesNotHaveBean(RedisEvictionPolicyProbe.class));
	}

	@Test
	void noRedisProbeWithoutSpringDataRedis() {
		this.runner.withUserConfiguration(StoreConfiguration.class)
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(IdempotencyStoreHealthIndicator.class)
				.doesNotHaveBean(RedisEvictionPolicyProbe.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class StoreConfiguration {

		@Bean
		IdempotencyStore idempotencyStore() {
			return new InMemoryIdempotencyStore();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisConfiguration {

		@Bean
		LettuceConnectionFactory redisConnectionFactory() {
			// never started: the probe bean only needs the factory to exist
			return new LettuceConnectionFactory("127.0.0.1", 1);
		}

	}

}
