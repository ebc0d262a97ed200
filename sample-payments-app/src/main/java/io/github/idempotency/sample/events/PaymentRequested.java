package io.github.idempotency.sample.events;

/**
 * The body of a {@code payments.requested} event: {@code {"amount": 1250, "currency": "EUR", "description": "..."}}.
 *
 * @param amount amount in minor units
 * @param currency ISO 4217 code
 * @param description what the payment is for
 */
public record PaymentRequested(long amount, String currency, String description) {

}
