/**
 * The state machine of one record as pure functions: the reference semantics every store implements.
 */
package io.github.idempotency.core.state;
