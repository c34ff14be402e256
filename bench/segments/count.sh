#!/usr/bin/env bash
# Segment counts at scale: starts `patron serve` on the database bench/dashboard/generate.sh filled (a million
# members and ten million orders by default; background jobs and refits off), and times POST /v1/segments/preview
# — a rule's count over every member, evaluated from scratch — for rules of each kind of fact: member row, points,
# orders in a window, recency, a combination, consent, RFM segment. Each rule is asked once to warm up and RUNS
# times more; the median and longest are printed beside two baselines measured in the same run: GET /health
# (HTTP overhead) and `SELECT COUNT(*) FROM members` in psql (one pass over the members).
# Usage: bench/segments/count.sh [RUNS]   (default 5)
# Environment: as bench/dashboard/generate.sh (PATRON_SCALE_SERVER, PATRON_SCALE_DB, PATRON_BIN, KEY_FILE), and
#              PATRON_SCALE_PORT where serve listens (default 18091)
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-5}
server=${PATRON_SCALE_SERVER:-postgres://patron@127.0.0.1:55432/postgres}
db=${PATRON_SCALE_DB:-patron_scale}
bin=${PATRON_BIN:-/tmp/patron-scale/patron}
key_file=${KEY_FILE:-/tmp/patron-scale/$db.key}
port=${PATRON_SCALE_PORT:-18091}
url="${server%/*}/$db"
base="http://127.0.0.1:$port"

work=$(mktemp -d /tmp/patron-segments.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export PATRON_DATA_KEY
PATRON_DATA_KEY=$(cat "$key_file")

"$bin" serve --database-url "$url" --port "$port" --log-level warning --job-interval 0 --refit-interval 0 \
  >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do curl -sf "$base/ready" >/dev/null && break; sleep 0.1; done
curl -sf "$base/ready" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }
key=$("$bin" keys create --name segments-bench --scopes admin --database-url "$url" 2>/dev/null | tail -n 1)
members=$(psql -X -At "$url" -c "SELECT COUNT(*) FROM members WHERE erased_at IS NULL")
orders=$(psql -X -At "$url" -c "SELECT COUNT(*) FROM orders")
tier=$(psql -X -At "$url" -c "SELECT tier FROM members WHERE tier IS NOT NULL GROUP BY tier ORDER BY COUNT(*) LIMIT 1")
echo "== $members members, $orders orders; $runs runs per rule after one to warm up"

# Median and longest of a list of milliseconds.
stats() { sort -n | awk '{ a[NR] = $1 } END { printf "median %7.0f ms   longest %7.0f ms", a[int((NR + 1) / 2)], a[NR] }'; }

health() { curl -s -o /dev/null -w '%{time_total}\n' "$base/health" | awk '{ printf "%.1f\n", $1 * 1000 }'; }
health >/dev/null
for _ in $(seq 1 "$runs"); do health; done >"$work/health.ms"
for _ in $(seq 0 "$runs"); do
  start=$(date +%s%N)
  psql -X -At "$url" -c "SELECT COUNT(*) FROM members" >/dev/null
  echo $((($(date +%s%N) - start) / 1000000))
done | tail -n +2 >"$work/scan.ms"
printf '%-34s %s\n' "baseline GET /health" "$(stats <"$work/health.ms")"
printf '%-34s %s\n' "baseline SELECT COUNT(*) members" "$(stats <"$work/scan.ms")"
scan=$(sort -n "$work/scan.ms" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

time_rule() {
  local label=$1 rule=$2 status
  : >"$work/rule.ms"
  for run in $(seq 0 "$runs"); do
    status=$(curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}' -X POST "$base/v1/segments/preview" \
      -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "{\"rule\": $rule}")
    [ "${status%% *}" = 200 ] || { echo "$label answered ${status%% *}: $(cat "$work/answer.json")" >&2; exit 1; }
    [ "$run" -gt 0 ] && echo "${status#* }" | awk '{ printf "%.1f\n", $1 * 1000 }' >>"$work/rule.ms"
  done
  local count median
  count=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["count"])' "$work/answer.json")
  median=$(sort -n "$work/rule.ms" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '%-34s %s   %8s members   %5.1f× the scan\n' "$label" "$(stats <"$work/rule.ms")" "$count" \
    "$(awk -v m="$median" -v s="$scan" 'BEGIN { print m / (s > 0 ? s : 1) }')"
}

time_rule "tier" "{\"field\": \"tier\", \"in\": [\"$tier\"]}"
time_rule "points available ≥ 1,000" '{"field": "points_available", "min": 1000}'
time_rule "orders in 90 days ≥ 2" '{"field": "orders", "days": 90, "min": 2}'
time_rule "spend ever ≥ ¥5,000" '{"field": "spend_minor", "min": 500000}'
time_rule "days since last order ≥ 180" '{"field": "days_since_last_order", "min": 180}'
time_rule "never ordered" '{"field": "orders", "max": 0}'
time_rule "lapsing valuable, no ticket" "{\"all\": [{\"field\": \"tier\", \"in\": [\"$tier\"]}, {\"any\": [{\"field\": \"days_since_last_order\", \"min\": 60}, {\"field\": \"orders\", \"days\": 365, \"max\": 1}]}, {\"not\": {\"field\": \"open_tickets\", \"min\": 1}}]}"
time_rule "consent marketing sms" '{"field": "consent", "purpose": "marketing", "channel": "sms"}'
time_rule "RFM at risk or can't lose" '{"field": "rfm_segment", "in": ["At Risk", "Can'"'"'t Lose Them"]}'
