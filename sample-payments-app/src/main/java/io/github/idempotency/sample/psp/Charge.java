package io.github.idempotency.sample.psp;

/**
 * A charge the PSP accepted.
 *
 * @param reference the PSP's reference of the charge
 * @param attempt the number of this call among all calls the PSP received
 */
public record Charge(String reference, long attempt) {

}
