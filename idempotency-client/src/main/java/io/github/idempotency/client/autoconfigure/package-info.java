/**
 * Spring Boot auto-configuration of the retrying client: an
 * {@link io.github.idempotency.client.IdempotentRetryInterceptor} bean configured by {@code idempotency.client.*},
 * optionally applied to every {@code RestClient.Builder} Boot builds, and its Micrometer metrics.
 */
@NullMarked
package io.github.idempotency.client.autoconfigure;

import org.jspecify.annotations.NullMarked;
