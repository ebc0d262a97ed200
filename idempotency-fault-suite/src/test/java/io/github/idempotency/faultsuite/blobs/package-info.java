/**
 * Test-only: an idempotent endpoint of any response size for scenario 11, loaded into the child apps by an
 * auto-configuration that stays inert unless {@code fault-suite.blobs} is set.
 */
@NullMarked
package io.github.idempotency.faultsuite.blobs;

import org.jspecify.annotations.NullMarked;
