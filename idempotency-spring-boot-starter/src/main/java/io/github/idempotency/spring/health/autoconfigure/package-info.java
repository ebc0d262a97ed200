/**
 * Auto-configuration of the {@code idempotency} health indicator: reads {@code idempotency.*} and hands plain settings
 * to the {@code io.github.idempotency.spring.health} package, which never imports this package.
 */
@NullMarked
package io.github.idempotency.spring.health.autoconfigure;

import org.jspecify.annotations.NullMarked;
