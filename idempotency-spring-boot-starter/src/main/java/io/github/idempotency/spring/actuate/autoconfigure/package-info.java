/**
 * Auto-configuration of the {@code idempotency} actuator endpoint: hands the store, the executor and the method
 * registry to the {@code io.github.idempotency.spring.actuate} package, which never imports this package.
 */
@NullMarked
package io.github.idempotency.spring.actuate.autoconfigure;

import org.jspecify.annotations.NullMarked;
