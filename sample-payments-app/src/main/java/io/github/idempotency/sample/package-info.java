/**
 * The sample payments and orders service: a runnable demonstration of {@code @Idempotent} and the target of the
 * end-to-end tests and benchmarks.
 */
package io.github.idempotency.sample;
