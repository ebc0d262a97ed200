/**
 * Auto-configuration of the Micrometer metrics: reads {@code idempotency.*} and hands plain settings to
 * the {@code io.github.idempotency.spring.metrics} package, which never imports this package.
 */
@NullMarked
package io.github.idempotency.spring.metrics.autoconfigure;

import org.jspecify.annotations.NullMarked;
