package io.github.idempotency.spring.messaging.kafka;

import java.util.List;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.redis.RedisIdempotencyStore;
import io.github.idempotency.spring.redis.RedisTestServer;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The consumer crash scenarios with the Redis store, under a key prefix of their own.
 */
class KafkaConsumerCrashRedisIT extends AbstractKafkaConsumerCrashIT {

	private final String prefix = RedisTestServer.uniquePrefix(getClass());

	private LettuceConnectionFactory connectionFactory;

	private RedisIdempotencyStore store;

	@Override
	protected List<String> storeProperties() {
		return List.of("idempotency.store=redis", "spring.data.redis.url=" + RedisTestServer.url(),
				"idempotency.redis.key-prefix=" + this.prefix,
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration");
	}

	@Override
	protected IdempotencyStore store() {
		if (this.store == null) {
			this.connectionFactory = RedisTestServer.connectionFactory();
			this.store = new RedisIdempotencyStore(this.connectionFactory, this.prefix);
		}
		return this.store;
	}

	@Override
	protected void cleanUpStore() {
		if (this.connectionFactory == null) {
			return;
		}
		StringRedisTemplate redis = new StringRedisTemplate(this.connectionFactory);
		try (Cursor<String> keys = redis.scan(ScanOptions.scanOptions().match(this.prefix + "*").build())) {
			keys.forEachRemaining(redis::delete);
		}
		this.connectionFactory.destroy();
	}

}
