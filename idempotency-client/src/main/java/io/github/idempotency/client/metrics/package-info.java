/**
 * Micrometer metrics of the retrying client: attempts by outcome, replays received, calls that ran out of retries.
 * Used only when Micrometer is on the classpath.
 */
@NullMarked
package io.github.idempotency.client.metrics;

import org.jspecify.annotations.NullMarked;
