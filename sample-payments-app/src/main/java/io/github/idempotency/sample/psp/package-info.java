/**
 * A fake payment service provider (PSP) that counts every call it receives, so retries that did not charge twice
 * can be seen.
 */
package io.github.idempotency.sample.psp;
