/**
 * OpenAPI documentation of {@code @Idempotent} operations for springdoc-openapi: the idempotency key header, the
 * {@code Idempotent-Replayed} response header and the problem responses of the protocol, each with its
 * {@code type}. Plain values in, no configuration classes: the auto-configuration lives in
 * {@code io.github.idempotency.spring.openapi.autoconfigure}.
 */
package io.github.idempotency.spring.openapi;
