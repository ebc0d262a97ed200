/**
 * Payments: {@code POST /payments} charges the fake PSP once per idempotency key, however often the client
 * retries.
 */
package io.github.idempotency.sample.payment;
