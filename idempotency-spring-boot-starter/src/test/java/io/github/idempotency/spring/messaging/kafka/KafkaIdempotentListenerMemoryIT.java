package io.github.idempotency.spring.messaging.kafka;

import java.util.List;

/**
 * The Kafka listener scenarios with the in-memory store.
 */
class KafkaIdempotentListenerMemoryIT extends AbstractKafkaIdempotentListenerIT {

	@Override
	protected List<String> storeProperties() {
		return List.of("idempotency.store=memory",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
						+ "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration");
	}

}
