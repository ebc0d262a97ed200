package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of {@link RedisIdempotencyStoreAutoConfiguration}, with a connection factory that is never
 * connected (the eviction policy check, which needs a server, is covered by {@code RedisEvictionPolicyIT}).
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisIdempotencyStoreAutoConfigurationTest {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisIdempotencyStoreAutoConfiguration.class))
		.withPropertyValues("idempotency.redis.eviction-policy-check=ignore");

	private final ApplicationContextRunner withConnectionFactory = this.contextRunner
		.withBean(RedisConnectionFactory.class, RedisIdempotencyStoreAutoConfigurationTest::unconnectedFactory);

	@Test
	void createsTheRedisStoreWhenAConnectionFactoryExists() {
		this.withConnectionFactory.run((context) -> {
			assertThat(context).hasSingleBean(IdempotencyStore.class).hasSingleBean(RedisIdempotencyStore.class);
			assertThat(context.getBean(IdempotencyStore.class).name()).isEqualTo("redis");
		});
	}

	@Test
	void createsTheRedisStoreWhenTheStoreIsRedis() {
		this.withConnectionFactory.withPropertyValues("idempotency.store=redis")
			.run((context) -> assertThat(context).hasSingleBean(RedisIdempotencyStore.class));
	}

	@Test
	void writesUnderTheConfiguredKeyPrefix() {
		this.withConnectionFactory.withPropertyValues("idempotency.redis.key-prefix=payments:").run((context) -> {
			IdempotencyKey key = IdempotencyKey.of("", "op", "k");
			assertThat(new String(context.getBean(RedisIdempotencyStore.class).redisKey(key.storageKey()),
					StandardCharsets.UTF_8))
				.startsWith("payments:{")
				.hasSize("payments:{".length() + 40 + 1);
		});
	}

	@Test
	void backsOffWhenTheStoreIsMemory() {
		this.withConnectionFactory.withPropertyValues("idempotency.store=memory")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyStore.class));
	}

	@Test
	void backsOffWhenTheStoreIsJpa() {
		this.withConnectionFactory.withPropertyValues("idempotency.store=jpa")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyStore.class));
	}

	@Test
	void backsOffWhenTheUserDefinesAStore() {
		this.withConnectionFactory.withBean("myStore", IdempotencyStore.class, InMemoryIdempotencyStore::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(IdempotencyStore.class).doesNotHaveBean(RedisIdempotencyStore.class);
				assertThat(context).hasBean("myStore");
			});
	}

	@Test
	void backsOffWithoutAConnectionFactory() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyStore.class));
	}

	@Test
	void backsOffWithoutSpringDataRedis() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyStore.class));
	}

	@Test
	void refusesAnInvalidKeyPrefixAtStartUp() {
		this.withConnectionFactory.withPropertyValues("idempotency.redis.key-prefix=app:{1}:").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'{' or '}'");
		});
	}

	@Test
	void failsAtStartUpWhenTheEvictionPolicyCannotBeRead() {
		this.withConnectionFactory.withPropertyValues("idempotency.redis.eviction-policy-check=fail")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("The Redis eviction policy could not be read")
					.hasStackTraceContaining("idempotency.redis.eviction-policy-check=warn");
			});
	}

	@Test
	void startsWithAWarningWhenTheEvictionPolicyCannotBeReadAndTheCheckWarns() {
		this.withConnectionFactory.withPropertyValues("idempotency.redis.eviction-policy-check=warn")
			.run((context) -> assertThat(context).hasSingleBean(RedisIdempotencyStore.class));
	}

	@Test
	void warnsOfACommandTimeoutThatWouldHoldRequestsWhileRedisHangs(CapturedOutput output) {
		this.withConnectionFactory.run((context) -> assertThat(output)
			.contains("The Redis command timeout is 60000 ms").contains("spring.data.redis.timeout"));
	}

	@Test
	void acceptsAShortCommandTimeoutSilently(CapturedOutput output) {
		this.contextRunner.withBean(RedisConnectionFactory.class, () -> {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", 1),
					LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
			return factory;
		}).run((context) -> {
			assertThat(context).hasSingleBean(RedisIdempotencyStore.class);
			assertThat(output).doesNotContain("The Redis command timeout is");
		});
	}

	private static LettuceConnectionFactory unconnectedFactory() {
		// port 1 on loopback: nothing answers, and nothing here needs an answer except the eviction check
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
		factory.setShareNativeConnection(true);
		return factory;
	}

}
