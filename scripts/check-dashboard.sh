#!/usr/bin/env bash
# Proves the Grafana dashboard against a real Prometheus: starts the sample app (in-memory store) and a Prometheus
# scraping it, both on free loopback ports, sends a short bounded load that produces every outcome, then evaluates
# every query of dashboards/idempotency-grafana.json (and its variables) through Prometheus's HTTP API. Fails, listing
# them, when a query returns no series (or only NaN). Also checks the example alert rules with promtool and that the
# app reports its idempotency health indicator UP.
#
# Needs: java, curl, jq, and Prometheus 2.x (Debian: apt-get install -y prometheus; the service need not run).
# Uses sample-payments-app/target/sample-payments-app-*-exec.jar, built by `./mvnw -B verify` (or package); builds it
# when absent. Environment: SAMPLE_JAR, PROMETHEUS (binary), PROMTOOL, JAVA, KEEP_LOGS=1 to keep the temp directory.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DASHBOARD="$ROOT/dashboards/idempotency-grafana.json"
ALERTS="$ROOT/dashboards/idempotency-alerts.yml"
PROMETHEUS="${PROMETHEUS:-prometheus}"
PROMTOOL="${PROMTOOL:-promtool}"
JAVA="${JAVA:-java}"
# the rate window the queries get instead of Grafana's $__rate_interval: several 1 s scrapes of the load
RATE_INTERVAL="30s"

log() { printf '[check-dashboard] %s\n' "$*"; }
fail() { printf '[check-dashboard] FAILED: %s\n' "$*" >&2; exit 1; }

for tool in "$JAVA" curl jq "$PROMETHEUS" "$PROMTOOL"; do
	command -v "$tool" >/dev/null || fail "'$tool' not found (Prometheus: apt-get install -y prometheus)"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/check-dashboard.XXXXXX")"
APP_PID=""
PROM_PID=""
cleanup() {
	local status=$?
	for pid in "$PROM_PID" "$APP_PID"; do
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
	if [ "$status" -ne 0 ]; then
		for file in app.log prometheus.log; do
			[ -f "$WORK/$file" ] && { echo "--- last lines of $file"; tail -n 40 "$WORK/$file"; } >&2
		done
	fi
	if [ "${KEEP_LOGS:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
	exit "$status"
}
trap cleanup EXIT INT TERM

free_port() {
	local port
	for _ in $(seq 1 100); do
		port=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	fail "no free port found"
}

# wait_for <seconds> <description> <command...>: polls a condition, never sleeps longer than needed
wait_for() {
	local seconds=$1 what=$2
	shift 2
	local deadline=$((SECONDS + seconds))
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${seconds}s waiting for $what"
		sleep 0.2
	done
}

log "checking alert rules"
"$PROMTOOL" check rules "$ALERTS" >/dev/null || fail "promtool check rules $ALERTS"

JAR="${SAMPLE_JAR:-$(ls "$ROOT"/sample-payments-app/target/sample-payments-app-*-exec.jar 2>/dev/null | head -n 1 || true)}"
if [ -z "$JAR" ]; then
	log "building the sample app"
	(cd "$ROOT" && ./mvnw -B -q -pl sample-payments-app -am package -DskipTests)
	JAR="$(ls "$ROOT"/sample-payments-app/target/sample-payments-app-*-exec.jar | head -n 1)"
fi

APP_PORT="$(free_port)"
APP="http://127.0.0.1:$APP_PORT"
log "starting $(basename "$JAR") on $APP"
"$JAVA" -Xmx256m -jar "$JAR" --server.address=127.0.0.1 --server.port="$APP_PORT" --idempotency.store=memory \
	--spring.profiles.active=default --management.endpoint.health.show-components=always >"$WORK/app.log" 2>&1 &
APP_PID=$!
app_up() { curl -fsS "$APP/actuator/health" | jq -e '.status == "UP"'; }
wait_for 120 "the sample app to report UP" app_up
curl -fsS "$APP/actuator/health" | jq -e '.components.idempotency.status == "UP"' >/dev/null \
	|| fail "the idempotency health indicator is missing or not UP: $(curl -sS "$APP/actuator/health")"

PROM_PORT="$(free_port)"
PROM="http://127.0.0.1:$PROM_PORT"
cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: sample-payments-app
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["127.0.0.1:$APP_PORT"]
YAML
log "starting Prometheus on $PROM"
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
	--web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
wait_for 60 "Prometheus to be ready" curl -fsS "$PROM/-/ready"
target_up() { curl -fsS "$PROM/api/v1/targets" | jq -e '.data.activeTargets | length > 0 and all(.health == "up")'; }
wait_for 60 "Prometheus to scrape the app" target_up

# post <expected status> <path> <idempotency key or ""> <json body>
post() {
	local expected=$1 path=$2 key=$3 body=$4 status
	local args=(-sS -o /dev/null -w '%{http_code}' -u alice:alice-secret -H 'Content-Type: application/json')
	[ -n "$key" ] && args+=(-H "Idempotency-Key: $key")
	status="$(curl "${args[@]}" -X POST --data "$body" "$APP$path")"
	[ "$status" = "$expected" ] || fail "POST $path (key '$key') answered $status, expected $expected"
}
active_execution() {
	curl -fsS "$APP/actuator/prometheus" | awk '$1 == "idempotency_executions_active" && $2 >= 1 { found = 1 } END { exit !found }'
}

PAYMENT='{"amount": 1250, "currency": "EUR", "description": "coffee"}'
SLOW='{"amount": 700, "currency": "EUR", "simulate": "slow", "delayMs": 1500}'
ROUNDS=8
log "sending load: $ROUNDS rounds of every outcome"
for round in $(seq 1 "$ROUNDS"); do
	key="check-dashboard-$$-$round"
	post 201 /payments "$key-ok" "$PAYMENT"                                  # executed
	post 201 /payments "$key-ok" "$PAYMENT"                                  # replayed
	post 201 /payments "$key-ok" "$PAYMENT"                                  # replayed
	post 422 /payments "$key-ok" '{"amount": 999, "currency": "EUR"}'        # mismatch
	post 400 /payments "" "$PAYMENT"                                          # missing_key
	post 400 /payments "$(printf 'x%.0s' $(seq 1 300))" "$PAYMENT"          # invalid_key
	post 503 /payments "$key-psp" '{"amount": 1250, "currency": "EUR", "simulate": "psp-unavailable"}' # released
	post 402 /payments "$key-decline" '{"amount": 1250, "currency": "EUR", "simulate": "decline"}'     # executed (4xx kept)
	post 402 /payments "$key-decline" '{"amount": 1250, "currency": "EUR", "simulate": "decline"}'     # replayed
	post 201 /orders "$key-order" '{"sku": "BOOK-1", "quantity": 2}'          # executed on a second endpoint
	post 201 /payments "$key-slow" "$SLOW" &                                  # executed, slowly
	slow_pid=$!
	wait_for 10 "the slow payment to claim its key" active_execution
	post 409 /payments "$key-slow" "$SLOW"                                    # conflict
	wait "$slow_pid" || fail "the slow payment of round $round failed"
done

query() {
	curl -fsS -G "$PROM/api/v1/query" --data-urlencode "query=$1"
}

# Prometheus has seen the whole load once its sum of idempotency_requests_total reaches the app's own
APP_TOTAL="$(curl -fsS "$APP/actuator/prometheus" | awk '$1 ~ /^idempotency_requests_total/ { sum += $NF } END { print sum + 0 }')"
caught_up() {
	local seen
	seen="$(query 'sum(idempotency_requests_total)' | jq -r '.data.result[0].value[1] // "0"')"
	awk -v seen="$seen" -v total="$APP_TOTAL" 'BEGIN { exit !(seen + 0 >= total + 0 && total + 0 > 0) }'
}
wait_for 60 "Prometheus to scrape all $APP_TOTAL requests" caught_up

log "evaluating the dashboard's queries"
empty=()
count=0
while IFS= read -r expr; do
	count=$((count + 1))
	promql="$(printf '%s' "$expr" | sed -e "s/\\\$__rate_interval/$RATE_INTERVAL/g" -e 's/\$__range/5m/g' \
		-e 's/\$instance/.*/g' -e 's/\$endpoint/.*/g')"
	if ! answer="$(query "$promql")"; then
		empty+=("$expr (query failed)")
		continue
	fi
	series="$(printf '%s' "$answer" | jq '.data.result | length')"
	if [ "$series" -eq 0 ]; then
		empty+=("$expr")
	elif printf '%s' "$answer" | jq -e '[.data.result[].value[1]] | all(. == "NaN")' >/dev/null; then
		# a quantile or ratio over series that never moved: the query is wired to nothing
		empty+=("$expr (only NaN)")
	else
		log "ok ($series series): $expr"
	fi
done < <(jq -r '.panels[] | .targets[]? | .expr' "$DASHBOARD")

while IFS= read -r metric; do
	count=$((count + 1))
	values="$(curl -fsS -G "$PROM/api/v1/label/${metric#*:}/values" --data-urlencode "match[]=${metric%%:*}" | jq '.data | length')"
	if [ "$values" -eq 0 ]; then
		empty+=("variable label_values(${metric%%:*}, ${metric#*:})")
	else
		log "ok ($values values): variable label_values(${metric%%:*}, ${metric#*:})"
	fi
done < <(jq -r '.templating.list[] | select(.type == "query") | .definition
	| capture("label_values\\((?<m>[a-z_]+)[^,]*, *(?<l>[a-z_]+)\\)") | "\(.m):\(.l)"' "$DASHBOARD")

[ "$count" -gt 0 ] || fail "no queries found in $DASHBOARD"
if [ "${#empty[@]}" -gt 0 ]; then
	printf '[check-dashboard] no series for:\n' >&2
	printf '  %s\n' "${empty[@]}" >&2
	fail "${#empty[@]} of $count dashboard queries returned no series"
fi
log "all $count dashboard queries return series"
