package io.github.idempotency.spring.messaging.kafka;

import io.github.idempotency.spring.messaging.PostgresConsumerStore;

/**
 * The consumer crash scenarios with the JPA store on PostgreSQL, in a table of their own.
 */
class KafkaConsumerCrashPostgresIT extends AbstractKafkaConsumerCrashIT {

	KafkaConsumerCrashPostgresIT() {
		super(new PostgresConsumerStore("kafka_crash_"));
	}

}
