#!/usr/bin/env bash
# End-to-end benchmark of the library against an unprotected endpoint and a hand-written minimal one, per store
# (docs/benchmarks.md). Builds the sample app and the driver, then runs the driver, which starts the sample app's
# 'bench' profile once per store and prints one table.
#
#   scripts/bench.sh            full run: memory, Redis (127.0.0.1:6379), PostgreSQL (127.0.0.1:5432, user postgres)
#   scripts/bench.sh --quick    short run for CI: checks that it works and that a key never runs twice
#   scripts/bench.sh --stores memory,redis --rounds 7 --round-seconds 3 ...   (see --help)
#   scripts/bench.sh --stores memory --memory-fill 100000   adds the memory store near its bound: first requests on an
#                               empty store and on one pre-filled near max-records, and the 503 of a full one against
#                               a replay, side by side
#
# Exit status: 0 when every gate holds, 1 when a key ran more than once (or a response was not the expected one),
# 2 for bad arguments. It writes only under its own names: Redis keys 'idempotency-bench:*' and
# 'idempotency-bench-ideal:*' (3 s TTL) and the PostgreSQL database 'idempotency_bench' (dropped and recreated).
# Set BENCH_SKIP_BUILD=1 to reuse the jars of a previous build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--help" ]; then
	sed -n '2,16p' "$0"
	exit 0
fi

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
	./mvnw -B -q -Pbenchmarks -pl sample-payments-app,idempotency-benchmarks -am package -DskipTests
fi

app=$(ls sample-payments-app/target/sample-payments-app-*-exec.jar | head -n 1)
exec java -cp idempotency-benchmarks/target/benchmarks.jar io.github.idempotency.benchmarks.http.EndToEndBenchmark \
	--app "$app" --out target/bench "$@"
