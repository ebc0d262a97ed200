package io.github.idempotency.spring.redis;

import java.nio.file.Path;
import java.util.Optional;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The start-up check of Redis's eviction policy, with Spring Boot's own Redis auto-configuration, against a server
 * of the test's own that may evict keys, and against the shared server.
 */
class RedisEvictionPolicyIT {

	private static RedisServerProcess evictingServer;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisIdempotencyStoreAutoConfiguration.class));

	@BeforeAll
	static void startEvictingServer() {
		Optional<Path> binary = RedisServerProcess.binary();
		assumeTrue(binary.isPresent(), "No redis-server binary runs here (neither the machine's nor the embedded "
				+ "artifact's): skipping the eviction policy tests, which configure a server of their own");
		evictingServer = RedisServerProcess.start(binary.get(), "--maxmemory", "64mb", "--maxmemory-policy",
				"volatile-lru");
	}

	@AfterAll
	static void stopEvictingServer() {
		if (evictingServer != null) {
			evictingServer.close();
		}
	}

	@Test
	void refusesToStartWhenRedisMayEvictRecords() {
		this.contextRunner.withPropertyValues("spring.data.redis.url=" + evictingServer.url()).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("maxmemory-policy 'volatile-lru'")
				.hasMessageContaining("noeviction")
				.hasMessageContaining("idempotency.redis.eviction-policy-check=warn");
		});
	}

	@Test
	void startsWithAWarningWhenTheCheckIsDowngraded() {
		this.contextRunner
			.withPropertyValues("spring.data.redis.url=" + evictingServer.url(),
					"idempotency.redis.eviction-policy-check=warn")
			.run((context) -> assertThat(context).hasSingleBean(RedisIdempotencyStore.class));
	}

	@Test
	void startsOnAServerThatNeverEvicts() {
		this.contextRunner.withPropertyValues("spring.data.redis.url=" + RedisTestServer.url())
			.run((context) -> assertThat(context).hasSingleBean(IdempotencyStore.class)
				.hasSingleBean(RedisIdempotencyStore.class));
	}

}
