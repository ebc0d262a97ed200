/**
 * What {@code @Idempotent} message listeners share across brokers: the message being delivered on the current
 * thread, read by the interceptor for message-id keys.
 */
@NullMarked
package io.github.idempotency.spring.messaging;

import org.jspecify.annotations.NullMarked;
