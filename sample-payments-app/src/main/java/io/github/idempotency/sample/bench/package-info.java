/**
 * The {@code bench} profile: one tiny handler behind three paths, unprotected ({@code /bench/plain}), protected by
 * the library ({@code /bench/idem}) and protected by the least any implementation could do for the active store
 * ({@code /bench/ideal}), so that a load driver can measure the library against both in one run
 * ({@code scripts/bench.sh}, {@code docs/benchmarks.md}). None of it exists without the profile.
 */
package io.github.idempotency.sample.bench;
