/**
 * The end-to-end benchmark: a load driver that starts the sample app's {@code bench} profile once per store and
 * measures {@code /bench/plain}, {@code /bench/idem} and {@code /bench/ideal} side by side over raw HTTP/1.1
 * keep-alive connections, counts the store's round trips per request on the server, and enforces one execution per
 * key under concurrent duplicates. Run it with {@code scripts/bench.sh}; see {@code docs/benchmarks.md}.
 * {@link io.github.idempotency.benchmarks.http.PeerComparison} reuses its load to measure the sample app against
 * a peer library's app side by side ({@code scripts/bench-peer.sh}).
 */
package io.github.idempotency.benchmarks.http;
