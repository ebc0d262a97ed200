/**
 * A retrying client for Spring's {@code RestClient}: {@link io.github.idempotency.client.IdempotentRetryInterceptor}
 * gives every non-idempotent call one {@code Idempotency-Key}, kept across every retry, and retries failures that a
 * server honouring the key makes safe to repeat, with exponential backoff, full jitter and {@code Retry-After}.
 */
@NullMarked
package io.github.idempotency.client;

import org.jspecify.annotations.NullMarked;
