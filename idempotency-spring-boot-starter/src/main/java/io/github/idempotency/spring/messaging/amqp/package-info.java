/**
 * {@code @Idempotent} on Spring AMQP {@code @RabbitListener} methods: binds the delivered message so that the key
 * can be its {@code message_id} or a header.
 */
@NullMarked
package io.github.idempotency.spring.messaging.amqp;

import org.jspecify.annotations.NullMarked;
