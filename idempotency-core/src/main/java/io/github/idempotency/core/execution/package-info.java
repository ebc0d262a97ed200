/**
 * The programmatic executor: claim, run or replay, renew, complete or release, and report to a listener.
 */
@NullMarked
package io.github.idempotency.core.execution;

import org.jspecify.annotations.NullMarked;
