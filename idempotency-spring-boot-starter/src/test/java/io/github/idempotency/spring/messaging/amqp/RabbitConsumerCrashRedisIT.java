package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.messaging.RedisConsumerStore;

/**
 * The consumer crash scenarios with the Redis store, under a key prefix of their own.
 */
class RabbitConsumerCrashRedisIT extends AbstractRabbitConsumerCrashIT {

	RabbitConsumerCrashRedisIT() {
		super(new RedisConsumerStore(RabbitConsumerCrashRedisIT.class));
	}

}
