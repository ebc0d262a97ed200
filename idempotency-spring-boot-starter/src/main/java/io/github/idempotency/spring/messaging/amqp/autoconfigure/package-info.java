/**
 * Auto-configuration of {@code @Idempotent} Rabbit listeners.
 */
@NullMarked
package io.github.idempotency.spring.messaging.amqp.autoconfigure;

import org.jspecify.annotations.NullMarked;
