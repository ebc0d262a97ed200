/**
 * Test-only: an idempotent endpoint whose every execution answers differently (a random id, a time stamp, an ETag, a
 * cookie, a charset in its content type) for scenario 10, loaded into the child apps by an auto-configuration that
 * stays inert unless {@code fault-suite.receipts} is set.
 */
@NullMarked
package io.github.idempotency.faultsuite.receipts;

import org.jspecify.annotations.NullMarked;
