/**
 * The peer's bench app for {@code scripts/bench-peer.sh}: our own code, using arun0009/idempotent as a library.
 */
package io.github.idempotency.benchmarks.peer;
