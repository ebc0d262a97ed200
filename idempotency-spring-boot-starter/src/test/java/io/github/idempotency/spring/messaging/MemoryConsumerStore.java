package io.github.idempotency.spring.messaging;

import java.util.List;

/**
 * The in-memory store, in the consumer's own JVM: nothing to clean up, and gone with the process.
 */
public final class MemoryConsumerStore implements ConsumerStore {

	@Override
	public List<String> properties() {
		return List.of("idempotency.store=memory",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
						+ "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration");
	}

}
