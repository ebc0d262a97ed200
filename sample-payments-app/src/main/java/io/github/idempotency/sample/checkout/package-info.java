/**
 * The checkout page ({@code /checkout.html}, static HTML and JavaScript): the browser side of the idempotency
 * contract, one key per checkout reused for every click and retry.
 */
package io.github.idempotency.sample.checkout;
