package io.github.idempotency.sample.psp;

import java.time.Duration;

/**
 * A charge sent to the PSP.
 *
 * @param amount amount in minor units
 * @param currency ISO 4217 code
 * @param downstreamKey the idempotency key to send to the PSP, stable across retries of one request, or
 * {@code null} when the call runs unprotected
 * @param simulation demo behaviour to show, or {@code null} for a normal charge
 * @param delay how long the PSP takes when {@code simulation} is {@link Simulation#SLOW}
 */
public record ChargeRequest(long amount, String currency, String downstreamKey, Simulation simulation,
		Duration delay) {

}
