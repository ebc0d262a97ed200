/**
 * Test support shared by the tests of every module (through the core's test-jar): waiting for a condition another
 * thread brings about, capturing what a class logs, and a store that forwards to another.
 */
@NullMarked
package io.github.idempotency.core.testing;

import org.jspecify.annotations.NullMarked;
