package io.github.idempotency.spring.messaging;

import java.util.List;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.redis.RedisIdempotencyStore;
import io.github.idempotency.spring.redis.RedisTestServer;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The Redis store of {@link RedisTestServer}, under a key prefix of its own that the clean-up removes.
 */
public final class RedisConsumerStore implements DurableConsumerStore {

	private final String prefix;

	private LettuceConnectionFactory connectionFactory;

	private RedisIdempotencyStore reader;

	/**
	 * @param testClass the test class, which names the key prefix
	 */
	public RedisConsumerStore(Class<?> testClass) {
		this.prefix = RedisTestServer.uniquePrefix(testClass);
	}

	@Override
	public List<String> properties() {
		return List.of("idempotency.store=redis", "spring.data.redis.url=" + RedisTestServer.url(),
				"idempotency.redis.key-prefix=" + this.prefix,
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration");
	}

	@Override
	public IdempotencyStore reader() {
		if (this.reader == null) {
			this.connectionFactory = RedisTestServer.connectionFactory();
			this.reader = new RedisIdempotencyStore(this.connectionFactory, this.prefix);
		}
		return this.reader;
	}

	@Override
	public void cleanUp() {
		LettuceConnectionFactory cleanUp = (this.connectionFactory != null) ? this.connectionFactory
				: RedisTestServer.connectionFactory();
		StringRedisTemplate redis = new StringRedisTemplate(cleanUp);
		try (Cursor<String> keys = redis.scan(ScanOptions.scanOptions().match(this.prefix + "*").build())) {
			keys.forEachRemaining(redis::delete);
		}
		cleanUp.destroy();
	}

}
