package io.github.idempotency.spring.messaging.kafka;

import java.util.List;

import io.github.idempotency.spring.redis.RedisTestServer;

/**
 * The Kafka listener scenarios with the Redis store, under a key prefix of their own.
 */
class KafkaIdempotentListenerRedisIT extends AbstractKafkaIdempotentListenerIT {

	@Override
	protected List<String> storeProperties() {
		return List.of("idempotency.store=redis", "spring.data.redis.url=" + RedisTestServer.url(),
				"idempotency.redis.key-prefix=" + RedisTestServer.uniquePrefix(getClass()),
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration");
	}

}
