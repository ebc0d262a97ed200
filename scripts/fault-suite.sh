#!/usr/bin/env bash
# Runs the fault suite (docs/reliability.md) against servers of its own (redis-server, an embedded PostgreSQL,
# mariadbd, each a child process on a free loopback port) and prints its table.
#
#   scripts/fault-suite.sh         the full configuration: the published figures (about 20 minutes on 2 cores)
#   scripts/fault-suite.sh short   the configuration CI runs on every build (a few minutes)
#
# Further arguments go to Maven, e.g. one scenario: scripts/fault-suite.sh short -Dit.test=GrowthScenario, or the
# growth scenario's 10-minute run: -Dfault-suite.growth=long (docs/reliability.md).
#
# The upstream modules are built without their tests (-DskipTests); the suite's own failsafe run ignores that flag.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${1:-full}"
case "$configuration" in
	short | full) ;;
	*)
		echo "usage: $0 [short|full] [maven arguments...]" >&2
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
