/**
 * Auto-configuration of the Redis store: reads {@code idempotency.*} and hands plain settings to
 * the {@code io.github.idempotency.spring.redis} package, which never imports this package.
 */
@NullMarked
package io.github.idempotency.spring.redis.autoconfigure;

import org.jspecify.annotations.NullMarked;
