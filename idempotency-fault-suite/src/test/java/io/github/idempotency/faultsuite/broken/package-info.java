/**
 * Test-only broken stores and settings for the negative controls, loaded into the child apps by an
 * auto-configuration that stays inert unless {@code fault-suite.broken} is set.
 */
package io.github.idempotency.faultsuite.broken;
