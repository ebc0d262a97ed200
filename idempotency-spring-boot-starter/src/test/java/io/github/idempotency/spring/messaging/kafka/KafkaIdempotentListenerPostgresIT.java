package io.github.idempotency.spring.messaging.kafka;

import io.github.idempotency.spring.messaging.PostgresConsumerStore;

/**
 * The Kafka listener scenarios with the JPA store on PostgreSQL, in a table of their own.
 */
class KafkaIdempotentListenerPostgresIT extends AbstractKafkaIdempotentListenerIT {

	KafkaIdempotentListenerPostgresIT() {
		super(new PostgresConsumerStore("kafka_it_"));
	}

}
