package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.messaging.PostgresConsumerStore;

/**
 * The Rabbit listener scenarios with the JPA store on PostgreSQL, in a table of their own.
 */
class RabbitIdempotentListenerPostgresIT extends AbstractRabbitIdempotentListenerIT {

	RabbitIdempotentListenerPostgresIT() {
		super(new PostgresConsumerStore("rabbit_it_"));
	}

}
