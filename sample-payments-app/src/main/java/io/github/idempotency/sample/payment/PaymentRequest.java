package io.github.idempotency.sample.payment;

import io.github.idempotency.sample.psp.Simulation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /payments}.
 *
 * @param amount amount in minor units (cents), greater than zero
 * @param currency ISO 4217 code, such as {@code EUR}
 * @param description free text shown on the payment, optional
 * @param simulate demo hook: makes the fake PSP decline, fail or take {@code delayMs}; absent for a normal payment
 * @param delayMs how long the PSP takes with {@code "simulate": "slow"}, 0 to 60000 ms
 */
public record PaymentRequest(@NotNull @Positive Long amount, @NotNull @CurrencyCode String currency,
		@Size(max = 140) String description, Simulation simulate, @Min(0) @Max(60000) Integer delayMs) {

}
