package io.github.idempotency.spring.messaging.kafka;

import io.github.idempotency.spring.messaging.MemoryConsumerStore;

/**
 * The Kafka listener scenarios with the in-memory store.
 */
class KafkaIdempotentListenerMemoryIT extends AbstractKafkaIdempotentListenerIT {

	KafkaIdempotentListenerMemoryIT() {
		super(new MemoryConsumerStore());
	}

}
