#!/usr/bin/env bash
# What the JPA store's PostgreSQL statements cost the server per first request, against the ideal's and against
# variants of the statements and the table, with pgbench (docs/benchmarks.md, "The PostgreSQL statements in
# pgbench"). No HTTP, no JDBC: the statements of idempotency-benchmarks/pgbench/*.sql, chosen at random per
# transaction, so that every script runs interleaved with the others in one run. Not part of CI; needs pgbench
# (Debian: in the server package, postgresql-15 or later).
#
#   scripts/bench-pg-statements.sh                       2 passes of 40 s at 1 client: commits without and with the
#                                                        wait for the WAL flush
#   scripts/bench-pg-statements.sh --seconds 60 --clients 8
#   other options: --host H --port P --user U (default 127.0.0.1, 5432, postgres; trust or PGPASSWORD)
#
# Prints, per script, the mean latency of a first request (claim + completion, two commits) and of each statement.
# It writes only the database 'idempotency_pgbench' (dropped and recreated).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=40 clients=1 host=127.0.0.1 port=5432 user=postgres
while [ $# -gt 0 ]; do
	case "$1" in
		--seconds) seconds=$2; shift 2 ;;
		--clients) clients=$2; shift 2 ;;
		--host) host=$2; shift 2 ;;
		--port) port=$2; shift 2 ;;
		--user) user=$2; shift 2 ;;
		--help) sed -n '2,14p' "$0"; exit 0 ;;
		*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
	esac
done
command -v pgbench > /dev/null || { echo "pgbench is not installed" >&2; exit 2; }

database=idempotency_pgbench
dir=idempotency-benchmarks/pgbench
connect=(-h "$host" -p "$port" -U "$user")
psql "${connect[@]}" -d postgres -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $database" \
	-c "CREATE DATABASE $database"
# the store's table exactly as it ships, then the variants built from it
sed 's/idempotency_record/pgb_library/g' \
	idempotency-spring-boot-starter/src/main/resources/io/github/idempotency/spring/jpa/schema-postgresql.sql \
	| psql "${connect[@]}" -d "$database" -qX -v ON_ERROR_STOP=1
psql "${connect[@]}" -d "$database" -qX -v ON_ERROR_STOP=1 -f "$dir/schema.sql"

scripts=()
for script in library library-bare-insert library-expiry-index library-narrow-row ideal; do
	scripts+=(-f "$dir/$script.sql")
done

for commit in off on; do
	echo "== synchronous_commit = $commit, $clients client(s), $seconds s"
	# -M prepared: each statement parsed and planned once per connection, as the store's pooled statements are
	PGOPTIONS="-c synchronous_commit=$commit" pgbench "${connect[@]}" -n -M prepared -c "$clients" \
		-j "$(( clients < 2 ? 1 : 2 ))" -T "$seconds" -r "${scripts[@]}" "$database" 2>&1 \
		| grep -E '^SQL script|^ - latency average|^ - number of failed|^ +[0-9.]+ +[0-9]+ +(WITH|INSERT|UPDATE)' \
		| cut -c1-100
done
psql "${connect[@]}" -d "$database" -qXAt -F ' ' \
	-c "SELECT relname, 'updates', n_tup_upd, 'of which HOT', n_tup_hot_upd FROM pg_stat_user_tables ORDER BY relname"
