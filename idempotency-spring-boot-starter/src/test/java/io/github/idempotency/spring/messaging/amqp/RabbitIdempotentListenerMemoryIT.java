package io.github.idempotency.spring.messaging.amqp;

import java.util.List;

/**
 * The Rabbit listener scenarios with the in-memory store.
 */
class RabbitIdempotentListenerMemoryIT extends AbstractRabbitIdempotentListenerIT {

	@Override
	protected List<String> storeProperties() {
		return List.of("idempotency.store=memory",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
						+ "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration");
	}

}
