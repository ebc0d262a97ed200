/**
 * The operators' actuator endpoint of the sample app, over real HTTP with its security.
 */
package io.github.idempotency.sample.operations;
