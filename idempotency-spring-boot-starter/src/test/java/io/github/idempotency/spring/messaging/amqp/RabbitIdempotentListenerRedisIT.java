package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.messaging.RedisConsumerStore;

/**
 * The Rabbit listener scenarios with the Redis store, under a key prefix of their own.
 */
class RabbitIdempotentListenerRedisIT extends AbstractRabbitIdempotentListenerIT {

	RabbitIdempotentListenerRedisIT() {
		super(new RedisConsumerStore(RabbitIdempotentListenerRedisIT.class));
	}

}
