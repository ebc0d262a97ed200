/**
 * Keys, fingerprints, records and states: the value types of idempotency, with no dependency but the JDK.
 */
@NullMarked
package io.github.idempotency.core;

import org.jspecify.annotations.NullMarked;
