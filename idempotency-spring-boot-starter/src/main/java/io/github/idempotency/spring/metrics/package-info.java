/**
 * Micrometer metrics of idempotent request handling: a listener that counts outcomes, times store operations and
 * counts fenced writes, gauges of the executions running in this instance, and their auto-configuration.
 * <p>
 * Metric names are the constants of {@link io.github.idempotency.spring.metrics.IdempotencyMetricNames}; every tag
 * takes values from a bounded set (an endpoint's name, never a key, a user or a raw path).
 */
@NullMarked
package io.github.idempotency.spring.metrics;

import org.jspecify.annotations.NullMarked;
