/**
 * Health of the idempotency store: the {@code idempotency} health indicator, which proves the store answers with
 * one read round trip, and store-specific probes such as Redis's eviction policy.
 */
@NullMarked
package io.github.idempotency.spring.health;

import org.jspecify.annotations.NullMarked;
