/**
 * The {@code idempotency} actuator endpoint for operators: the configured endpoints, the store, the executions
 * running in this instance, one record by its hashed key, and a fenced, logged and counted delete of one record.
 */
@NullMarked
package io.github.idempotency.spring.actuate;

import org.jspecify.annotations.NullMarked;
