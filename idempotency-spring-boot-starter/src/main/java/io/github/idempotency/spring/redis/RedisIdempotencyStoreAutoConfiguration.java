package io.github.idempotency.spring.redis;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.autoconfigure.IdempotencyProperties;
import io.github.idempotency.spring.autoconfigure.IdempotencyProperties.Redis.EvictionPolicyCheck;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of the {@link RedisIdempotencyStore}: when Spring Data Redis is present, a
 * {@link RedisConnectionFactory} bean exists, {@code idempotency.store} is {@code redis} or {@code auto}, and no
 * {@link IdempotencyStore} bean is defined. Before the store is used, Redis's eviction policy is verified as
 * {@code idempotency.redis.eviction-policy-check} says.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@Conditional(OnRedisStoreCondition.class)
@EnableConfigurationProperties(IdempotencyProperties.class)
public final class RedisIdempotencyStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(IdempotencyStore.class)
	RedisIdempotencyStore redisIdempotencyStore(RedisConnectionFactory redisConnectionFactory,
			IdempotencyProperties properties) {
		IdempotencyProperties.Redis redis = properties.getRedis();
		if (redis.getMinReplicas() > 0) {
			requireNonCluster(redisConnectionFactory);
		}
		if (redis.getEvictionPolicyCheck() != EvictionPolicyCheck.IGNORE) {
			new RedisEvictionPolicyVerifier(redis.getEvictionPolicyCheck() == EvictionPolicyCheck.FAIL)
				.verify(redisConnectionFactory);
		}
		RedisIdempotencyStore store = new RedisIdempotencyStore(redisConnectionFactory, redis.getKeyPrefix());
		store.setMinReplicas(redis.getMinReplicas());
		store.setReplicaTimeout(redis.getReplicaTimeout());
		return store;
	}

	private static void requireNonCluster(RedisConnectionFactory redisConnectionFactory) {
		try (RedisConnection connection = redisConnectionFactory.getConnection()) {
			if (connection instanceof RedisClusterConnection) {
				throw new IllegalStateException("idempotency.redis.min-replicas is not supported on Redis Cluster: "
						+ "set it to 0, or use a standalone or Sentinel-managed Redis");
			}
		}
	}

}
