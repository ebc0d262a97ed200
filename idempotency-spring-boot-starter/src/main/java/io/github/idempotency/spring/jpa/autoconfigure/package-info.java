/**
 * Auto-configuration of the JPA store, its schema initialization, purge and joined transactions: reads
 * {@code idempotency.*} and hands plain settings to the {@code io.github.idempotency.spring.jpa} package, which never
 * imports this package.
 */
@NullMarked
package io.github.idempotency.spring.jpa.autoconfigure;

import org.jspecify.annotations.NullMarked;
