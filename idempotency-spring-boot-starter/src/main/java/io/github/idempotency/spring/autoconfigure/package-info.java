/**
 * Auto-configuration of {@code @Idempotent} and the {@code idempotency.*} properties: the store choice
 * ({@link io.github.idempotency.spring.autoconfigure.ConditionalOnIdempotencyStore}), the executor, the advisor and
 * the servlet filter. The runtime packages never import this one: it builds their settings and hands them over.
 */
@NullMarked
package io.github.idempotency.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
