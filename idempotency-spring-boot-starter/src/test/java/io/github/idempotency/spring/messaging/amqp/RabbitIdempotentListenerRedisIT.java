package io.github.idempotency.spring.messaging.amqp;

import java.util.List;

import io.github.idempotency.spring.redis.RedisTestServer;

/**
 * The Rabbit listener scenarios with the Redis store, under a key prefix of their own.
 */
class RabbitIdempotentListenerRedisIT extends AbstractRabbitIdempotentListenerIT {

	@Override
	protected List<String> storeProperties() {
		return List.of("idempotency.store=redis", "spring.data.redis.url=" + RedisTestServer.url(),
				"idempotency.redis.key-prefix=" + RedisTestServer.uniquePrefix(getClass()),
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration");
	}

}
