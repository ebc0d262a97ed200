/**
 * Test-only kill points for the child apps of scenario 2: a request names a point around its business insert and
 * commit, and its thread stops there, logged, until the scenario kills the app. Inert unless
 * {@code fault-suite.kill-points} is set.
 */
@NullMarked
package io.github.idempotency.faultsuite.killpoints;

import org.jspecify.annotations.NullMarked;
