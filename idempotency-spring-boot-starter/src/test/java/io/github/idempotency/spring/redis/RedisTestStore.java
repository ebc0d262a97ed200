package io.github.idempotency.spring.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Redis store on the shared {@link RedisTestServer}, under a key prefix of a test class's own: connected before the
 * class's first test and disconnected after its last. Register it on a static field with {@code @RegisterExtension}.
 */
final class RedisTestStore implements BeforeAllCallback, AfterAllCallback {

	private final String prefix;

	private LettuceConnectionFactory connectionFactory;

	private RedisIdempotencyStore store;

	/**
	 * A store that writes under the given prefix.
	 * @param prefix a prefix that no other test class or run uses, such as
	 * {@link RedisTestServer#uniquePrefix(Class)}
	 */
	RedisTestStore(String prefix) {
		this.prefix = prefix;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.connectionFactory = RedisTestServer.connectionFactory();
		this.store = new RedisIdempotencyStore(this.connectionFactory, this.prefix);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
		}
	}

	/**
	 * The store.
	 * @return the store, from before the class's first test to after its last
	 */
	RedisIdempotencyStore store() {
		return this.store;
	}

	/**
	 * The store's connection factory, for what the test reads and changes itself.
	 * @return the factory, started
	 */
	LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

}
