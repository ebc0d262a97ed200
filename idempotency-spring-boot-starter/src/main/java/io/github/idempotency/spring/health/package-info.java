/**
 * Health of the idempotency store: the {@code idempotency} health indicator, which proves the store answers with
 * one read round trip, and store-specific probes such as Redis's eviction policy.
 */
package io.github.idempotency.spring.health;
