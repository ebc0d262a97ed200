/**
 * The store SPI (atomic, fenced operations per key) and the in-memory store.
 */
@NullMarked
package io.github.idempotency.core.store;

import org.jspecify.annotations.NullMarked;
