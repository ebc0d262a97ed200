/**
 * Keys, fingerprints, records and states: the value types of idempotency, with no dependency but the JDK.
 */
package io.github.idempotency.core;
