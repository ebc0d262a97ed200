/**
 * The programmatic executor: claim, run or replay, renew, complete or release, and report to a listener.
 */
package io.github.idempotency.core.execution;
