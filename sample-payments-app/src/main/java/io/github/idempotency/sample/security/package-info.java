/**
 * HTTP Basic security with two demo users, so that idempotency keys are scoped per caller.
 */
package io.github.idempotency.sample.security;
