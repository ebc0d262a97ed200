/**
 * {@link io.github.idempotency.spring.Idempotent @Idempotent} and the interceptor that honours it.
 */
@NullMarked
package io.github.idempotency.spring;

import org.jspecify.annotations.NullMarked;
