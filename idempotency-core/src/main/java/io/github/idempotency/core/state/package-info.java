/**
 * The state machine of one record as pure functions: the reference semantics every store implements.
 */
@NullMarked
package io.github.idempotency.core.state;

import org.jspecify.annotations.NullMarked;
