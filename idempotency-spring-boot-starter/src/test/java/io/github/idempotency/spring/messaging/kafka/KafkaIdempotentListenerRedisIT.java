package io.github.idempotency.spring.messaging.kafka;

import io.github.idempotency.spring.messaging.RedisConsumerStore;

/**
 * The Kafka listener scenarios with the Redis store, under a key prefix of their own.
 */
class KafkaIdempotentListenerRedisIT extends AbstractKafkaIdempotentListenerIT {

	KafkaIdempotentListenerRedisIT() {
		super(new RedisConsumerStore(KafkaIdempotentListenerRedisIT.class));
	}

}
