/**
 * The JPA store: idempotency records in a relational table (PostgreSQL, H2, MySQL, MariaDB) on the
 * {@code EntityManagerFactory}'s database, its schema scripts and scheduled purge, and
 * {@link io.github.idempotency.spring.jpa.TransactionalCompletion}, which writes a completion in the annotated
 * method's own transaction.
 */
@NullMarked
package io.github.idempotency.spring.jpa;

import org.jspecify.annotations.NullMarked;
