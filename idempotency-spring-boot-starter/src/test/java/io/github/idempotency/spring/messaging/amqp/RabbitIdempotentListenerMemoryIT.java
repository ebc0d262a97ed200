package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.messaging.MemoryConsumerStore;

/**
 * The Rabbit listener scenarios with the in-memory store.
 */
class RabbitIdempotentListenerMemoryIT extends AbstractRabbitIdempotentListenerIT {

	RabbitIdempotentListenerMemoryIT() {
		super(new MemoryConsumerStore());
	}

}
