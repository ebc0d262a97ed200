/**
 * {@link io.github.idempotency.spring.Idempotent @Idempotent} and the interceptor that honours it.
 */
package io.github.idempotency.spring;
