/**
 * Auto-configuration of the OpenAPI documentation of {@code @Idempotent} operations, active when springdoc-openapi
 * is on the classpath.
 */
package io.github.idempotency.spring.openapi.autoconfigure;
