/**
 * The Redis store: one atomic Lua script per transition, hash-tagged keys for Redis Cluster, Redis's clock for
 * expiry, and start-up checks of the eviction policy.
 */
@NullMarked
package io.github.idempotency.spring.redis;

import org.jspecify.annotations.NullMarked;
