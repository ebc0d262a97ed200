/**
 * Logging shared by the core and the starter: warnings about events that come in bursts, logged at a limited rate.
 */
@NullMarked
package io.github.idempotency.core.logging;

import org.jspecify.annotations.NullMarked;
