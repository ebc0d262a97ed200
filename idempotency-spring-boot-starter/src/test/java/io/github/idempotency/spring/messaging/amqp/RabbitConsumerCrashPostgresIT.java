package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.messaging.PostgresConsumerStore;

/**
 * The consumer crash scenarios with the JPA store on PostgreSQL, in a table of their own.
 */
class RabbitConsumerCrashPostgresIT extends AbstractRabbitConsumerCrashIT {

	RabbitConsumerCrashPostgresIT() {
		super(new PostgresConsumerStore("rabbit_crash_"));
	}

}
