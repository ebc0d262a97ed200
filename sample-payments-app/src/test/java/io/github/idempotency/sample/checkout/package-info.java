/**
 * The checkout page driven in a real headless Chromium, through a TCP proxy that holds or cuts responses.
 */
package io.github.idempotency.sample.checkout;
