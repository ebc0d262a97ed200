/**
 * The store SPI (atomic, fenced operations per key) and the in-memory store.
 */
package io.github.idempotency.core.store;
