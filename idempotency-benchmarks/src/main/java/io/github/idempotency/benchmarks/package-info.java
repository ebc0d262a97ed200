/**
 * JMH benchmarks of the library's own CPU per request (key, fingerprint, claim and completion on the in-memory
 * store, metrics), measured against the cost budget of the design. Run them as {@code docs/benchmarks.md} shows.
 */
package io.github.idempotency.benchmarks;
