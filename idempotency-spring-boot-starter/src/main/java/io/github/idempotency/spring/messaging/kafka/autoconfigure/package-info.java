/**
 * Auto-configuration of {@code @Idempotent} Kafka listeners.
 */
@NullMarked
package io.github.idempotency.spring.messaging.kafka.autoconfigure;

import org.jspecify.annotations.NullMarked;
