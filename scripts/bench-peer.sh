#!/usr/bin/env bash
# Ours against arun0009/idempotent on the same handler and load, side by side (docs/benchmarks.md, "Side by side
# with a peer"). Needs the network (GitHub and a Maven repository) and is not part of CI.
#
#   scripts/bench-peer.sh                    3 runs, memory and Redis (127.0.0.1:6379), 15-40 minutes
#   scripts/bench-peer.sh --stores memory --runs 1 --rounds 1 --round-seconds 1
#   other options: --warmup-rounds N --connections N --redis host:port --peer-redis-db N --out DIR --app-jvm "..."
#   rounds of 5 s or more: add --app-jvm "-Xms4g -Xmx4g" (the default 512 MB; the peer's memory store keeps every
#   entry of the unique-key rows, about 700 MB after 5 rounds of 5 s, and its JVM then spends the replay rows in GC)
#
# 1. Clones the peer at a pinned commit into target/peer/idempotent and builds idempotent-core and idempotent-redis
#    into a private local Maven repository (target/peer/m2, never ~/.m2); its build needs Java 21 or later.
# 2. Builds idempotency-benchmarks/peer-app (our code: the sample app's bench handler with the peer's @Idempotent)
#    against that repository, and the sample app and the driver as scripts/bench.sh does.
# 3. Runs io.github.idempotency.benchmarks.http.PeerComparison, which starts both apps per run and store, measures
#    them in interleaved rounds and prints one table. Exit status 1 when a first request did not execute exactly once
#    or a replay executed.
#
# Environment: PEER_SOURCE (a Git URL or local path; default GitHub), PEER_COMMIT (default the pinned one),
# PEER_JAVA_HOME (a JDK 21+ for the peer's build; default the first temurin-25/21 found, else JAVA_HOME),
# PEER_M2 (the private repository; default target/peer/m2), BENCH_OFFLINE=1 to build everything but the peer's
# own modules offline (-o), BENCH_SKIP_BUILD=1 to reuse all jars of a previous run.
# It writes only under its own names: Redis keys 'idempotency-bench:*' (ours, database 0) and the peer's keys in
# database 11 (--peer-redis-db), all with a 3 s TTL.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--help" ]; then
	sed -n '2,23p' "$0"
	exit 0
fi

# v3.1.0 + 3 commits, the peer's main branch on 2026-12-01
peer_commit=${PEER_COMMIT:-fbe02b5e3b5b276a3cf3c53d65958c10dd7975c8}
peer_source=${PEER_SOURCE:-https://github.com/arun0009/idempotent.git}
peer_dir=target/peer/idempotent
peer_m2=$(realpath -m "${PEER_M2:-target/peer/m2}")

if [ -z "${PEER_JAVA_HOME:-}" ]; then
	for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 "${JAVA_HOME:-}"; do
		if [ -n "$jdk" ] && [ -x "$jdk/bin/javac" ]; then
			PEER_JAVA_HOME=$jdk
			break
		fi
	done
fi

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
	if [ ! -d "$peer_dir/.git" ]; then
		mkdir -p target/peer
		git clone --quiet "$peer_source" "$peer_dir"
	fi
	git -C "$peer_dir" fetch --quiet origin "$peer_commit" 2>/dev/null || true
	git -C "$peer_dir" checkout --quiet --detach "$peer_commit"
	# its own build: error-prone and NullAway need Java 21+; spotless and tests are not ours to run
	JAVA_HOME=${PEER_JAVA_HOME:?set PEER_JAVA_HOME to a JDK 21 or later} ./mvnw -B -q -f "$peer_dir/pom.xml" \
		-Dmaven.repo.local="$peer_m2" -DskipTests -Dspotless.skip=true \
		-pl idempotent-core,idempotent-redis -am install
	offline=()
	if [ "${BENCH_OFFLINE:-0}" = "1" ]; then
		offline=(-o)
	fi
	peer_version=$(sed -n 's:^    <version>\(.*\)</version>:\1:p' "$peer_dir/pom.xml" | head -n 1)
	./mvnw -B -q "${offline[@]}" -f idempotency-benchmarks/peer-app/pom.xml -Dmaven.repo.local="$peer_m2" \
		-Dpeer.version="$peer_version" package -DskipTests
	./mvnw -B -q "${offline[@]}" -Pbenchmarks -pl sample-payments-app,idempotency-benchmarks -am package -DskipTests
fi

ours=$(ls sample-payments-app/target/sample-payments-app-*-exec.jar | head -n 1)
exec java -cp idempotency-benchmarks/target/benchmarks.jar io.github.idempotency.benchmarks.http.PeerComparison \
	--ours "$ours" --peer idempotency-benchmarks/peer-app/target/peer-bench-app.jar "$@"
