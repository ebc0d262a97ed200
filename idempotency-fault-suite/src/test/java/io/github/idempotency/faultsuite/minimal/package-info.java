/**
 * The minimal payments app, a test app that the fault suite starts as a child JVM where a scenario needs many starts of
 * one configuration: one idempotent, transactional endpoint on Spring MVC, Hibernate and the JPA store.
 */
@NullMarked
package io.github.idempotency.faultsuite.minimal;

import org.jspecify.annotations.NullMarked;
