/**
 * {@code @Idempotent} on Spring Kafka {@code @KafkaListener} methods: binds the delivered record so that the key can be
 * a header or the record key on its topic, acknowledges skipped duplicates, and keeps final failures from being
 * retried by the container's error handler.
 */
@NullMarked
package io.github.idempotency.spring.messaging.kafka;

import org.jspecify.annotations.NullMarked;
