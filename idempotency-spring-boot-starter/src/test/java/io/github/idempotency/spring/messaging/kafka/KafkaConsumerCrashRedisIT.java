package io.github.idempotency.spring.messaging.kafka;

import io.github.idempotency.spring.messaging.RedisConsumerStore;

/**
 * The consumer crash scenarios with the Redis store, under a key prefix of their own.
 */
class KafkaConsumerCrashRedisIT extends AbstractKafkaConsumerCrashIT {

	KafkaConsumerCrashRedisIT() {
		super(new RedisConsumerStore(KafkaConsumerCrashRedisIT.class));
	}

}
