/**
 * Auto-configuration and {@code idempotency.*} properties.
 */
package io.github.idempotency.spring.autoconfigure;
