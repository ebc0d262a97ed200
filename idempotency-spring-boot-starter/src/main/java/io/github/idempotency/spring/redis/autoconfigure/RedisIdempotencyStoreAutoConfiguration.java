package io.github.idempotency.spring.redis.autoconfigure;

import java.time.Duration;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.autoconfigure.ConditionalOnIdempotencyStore;
import io.github.idempotency.spring.autoconfigure.IdempotencyProperties;
import io.github.idempotency.spring.autoconfigure.InvalidIdempotencyConfigurationException;
import io.github.idempotency.spring.autoconfigure.RedisStoreProperties;
import io.github.idempotency.spring.autoconfigure.StoreType;
import io.github.idempotency.spring.redis.EvictionPolicyCheck;
import io.github.idempotency.spring.redis.RedisEvictionPolicyVerifier;
import io.github.idempotency.spring.redis.RedisVersionCheck;
import io.github.idempotency.spring.redis.RedisIdempotencyStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the {@link RedisIdempotencyStore}: when Spring Data Redis is present, a
 * {@link RedisConnectionFactory} bean exists, {@code idempotency.store} is {@code redis} or {@code auto}, and no
 * {@link IdempotencyStore} bean is defined. Before the store is used, Redis's eviction policy is verified as
 * {@code idempotency.redis.eviction-policy-check} says, and a command timeout long enough to hold requests while
 * Redis hangs ({@code spring.data.redis.timeout}, unset by default: Lettuce's 60 s) is logged as a warning.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnIdempotencyStore(StoreType.REDIS)
@EnableConfigurationProperties(IdempotencyProperties.class)
public final class RedisIdempotencyStoreAutoConfiguration {

	/** A command timeout above which a hung Redis would hold requests too long before they answer 503. */
	static final Duration LONG_COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.RedisClient",
			RedisIdempotencyStoreAutoConfiguration.class.getClassLoader());

	private static final Log logger = LogFactory.getLog(RedisIdempotencyStoreAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(IdempotencyStore.class)
	RedisIdempotencyStore redisIdempotencyStore(RedisConnectionFactory redisConnectionFactory,
			IdempotencyProperties properties, Environment environment) {
		RedisStoreProperties redis = properties.getRedis();
		warnOfLongCommandTimeout(redisConnectionFactory);
		if (redis.getMinReplicas() > 0) {
			requireNonCluster(redisConnectionFactory, properties);
		}
		if (redis.getEvictionPolicyCheck() != EvictionPolicyCheck.IGNORE) {
			new RedisEvictionPolicyVerifier(redis.getEvictionPolicyCheck() == EvictionPolicyCheck.FAIL)
				.verify(redisConnectionFactory);
		}
		RedisVersionCheck.verify(redisConnectionFactory);
		RedisIdempotencyStore store = new RedisIdempotencyStore(redisConnectionFactory,
				keyPrefix(redis, properties.namespaceFor(environment.getProperty("spring.application.name"))));
		store.setMinReplicas(redis.getMinReplicas());
		store.setReplicaTimeout(redis.getReplicaTimeout());
		return store;
	}

	private static String keyPrefix(RedisStoreProperties redis, String namespace) {
		String prefix = redis.keyPrefixFor(namespace);
		if (redis.getKeyPrefix() == null && (namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0)) {
			// braces would change the keys' cluster hash slot
			throw new InvalidIdempotencyConfigurationException("idempotency.namespace", namespace,
					"The Redis key prefix derived from the namespace '" + namespace + "' would contain braces",
					"Set idempotency.namespace (or spring.application.name) without braces, or set "
							+ "idempotency.redis.key-prefix.");
		}
		return prefix;
	}

	private static void warnOfLongCommandTimeout(RedisConnectionFactory redisConnectionFactory) {
		if (LETTUCE_PRESENT && redisConnectionFactory instanceof LettuceConnectionFactory lettuce
				&& lettuce.getTimeout() > LONG_COMMAND_TIMEOUT.toMillis()) {
			logger.warn("The Redis command timeout is " + lettuce.getTimeout() + " ms: while Redis hangs, idempotent "
					+ "requests wait that long before they answer 503. Set spring.data.redis.timeout (e.g. 2s).");
		}
	}

	private static void requireNonCluster(RedisConnectionFactory redisConnectionFactory,
			IdempotencyProperties properties) {
		try (RedisConnection connection = redisConnectionFactory.getConnection()) {
			if (connection instanceof RedisClusterConnection) {
				throw new InvalidIdempotencyConfigurationException("idempotency.redis.min-replicas",
						properties.getRedis().getMinReplicas(),
						"idempotency.redis.min-replicas is not supported on Redis Cluster",
						"Set idempotency.redis.min-replicas to 0, or use a standalone or Sentinel-managed Redis.");
			}
		}
	}

}
