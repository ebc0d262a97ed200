#!/usr/bin/env bash
# Runs the fault suite (docs/reliability.md) against servers of its own (redis-server, an embedded PostgreSQL,
# mariadbd, each a child process on a free loopback port) and prints its table, then each row's duration (a
# scenario, or one store or fault of it) against the issue's bounds (90 s per scenario, 20 minutes in all on 2
# cores; shown, not a verdict).
#
#   scripts/fault-suite.sh         the full configuration: the published figures (20 kills per database, 5 storms
#                                  of 50 keys x 64 per store, 1,000 isolation trials, ...)
#   scripts/fault-suite.sh short   every scenario at reduced sizes (2 kills per database, 1 storm of 20 x 32, ...)
#   scripts/fault-suite.sh ci      what CI runs after ./mvnw -B verify: every scenario and every negative control
#                                  at the smallest sizes (1 kill per database, 1 storm of 10 x 16, 50 trials, ...)
#
# Further arguments go to Maven, e.g. one scenario: scripts/fault-suite.sh short -Dit.test=GrowthScenario, the
# growth scenario's 10-minute run: -Dfault-suite.growth=long, or child apps without the class-data archive:
# -Dfault-suite.cds=false, scenario 2's apps without their Spring AOT context: -Dfault-suite.aot=false
# (docs/reliability.md).
#
# The upstream modules are built without their tests (-DskipTests); the suite's own failsafe run ignores that flag.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${1:-full}"
case "$configuration" in
	ci | short | full) ;;
	*)
		echo "usage: $0 [ci|short|full] [maven arguments...]" >&2
		exit 2
		;;
esac

status=0
./mvnw -B -Pfault-suite -pl idempotency-fault-suite -am verify -DskipTests \
	-Dfault-suite.configuration="$configuration" "${@:2}" || status=$?

report=idempotency-fault-suite/target/fault-suite-report.md
if [ -f "$report" ]; then
	echo
	cat "$report"
fi
exit "$status"
