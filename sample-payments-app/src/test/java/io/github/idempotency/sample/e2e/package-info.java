/**
 * End-to-end tests: the sample app runs on a random port and is driven over real HTTP, once per idempotency store.
 */
package io.github.idempotency.sample.e2e;
