/**
 * Orders and their state machine: {@code POST /orders/{id}/transitions} is keyed by the transition itself, so the
 * same transition requested by several clients runs once.
 */
package io.github.idempotency.sample.order;
