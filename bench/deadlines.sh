#!/usr/bin/env bash
# Ticket deadlines at scale: how long after its due time a missed target is marked, and how long opening a ticket
# takes, with OPEN tickets already open (their deadlines weeks away) against the same with none open, in the same
# run. A release build of `patron serve` runs with its jobs on and a program whose urgent first response is one
# minute (warning at 48 s); TIMED tickets are opened through the API, one every 100 ms, and the database then says
# when each one's first response was marked missed. Baseline in the same run: GET /health, timed the same way.
# With PATRON_BENCH_POSTGRES_URL (a server where a scratch database may be created) PostgreSQL is measured too.
# Usage: bench/deadlines.sh [OPEN] [TIMED]
set -euo pipefail
cd "$(dirname "$0")/.."
open=${1:-100000}
timed=${2:-100}
port=18091
base="http://127.0.0.1:$port"

swift build -c release --product patron >/dev/null
bin=$(swift build -c release --show-bin-path)/patron
work=$(mktemp -d /tmp/patron-deadlines.XXXXXX)
server_pid=
postgres_db=
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$postgres_db" ] && psql -X -q "$PATRON_BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $postgres_db WITH (FORCE)"
  rm -rf "$work"
}
trap cleanup EXIT
export PATRON_DATA_KEY
PATRON_DATA_KEY=$(head -c 32 /dev/urandom | base64)

# Percentiles of numbers on standard input: p50, p99, max.
percentiles() { sort -n | awk '{ v[NR] = $1 } END { printf "p50 %s, p99 %s, max %s", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)], v[NR] }'; }

# OPEN tickets with deadlines 30 days on, written straight in SQL (both engines read this recursive query).
fill() {
  local sql=$1 count=$2 far
  far=$(($(date +%s%3N) + 30 * 86400000))
  $sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
        INSERT INTO tickets (ticket_id, priority, state, queue, opened_by, opened_at, updated_at)
        SELECT 'tkt_bench_' || i, CASE i % 4 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' ELSE 'normal' END, 'open',
               'service', 'bench', $far - 2592000000 + i, $far - 2592000000 + i FROM n" >/dev/null
  $sql "INSERT INTO ticket_deadlines (ticket_id, kind, target_minutes, running_since, elapsed, warn_at, due_at)
        SELECT ticket_id, k.kind, 1440, opened_at, 0, $far + (opened_at % 100000) * 10, $far + (opened_at % 100000) * 13
        FROM tickets, (SELECT 'first_response' AS kind UNION ALL SELECT 'resolution') k
        WHERE ticket_id LIKE 'tkt_bench_%'" >/dev/null
}

run() {
  local label=$1 url=$2 sql=$3 count=$4 key status
  "$bin" migrate --database-url "$url" >/dev/null
  [ "$count" -gt 0 ] && fill "$sql" "$count"
  "$bin" serve --database-url "$url" --port "$port" --log-level warning --job-interval 3600 --refit-interval 0 \
    >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do curl -sf "$base/ready" >/dev/null && break; sleep 0.1; done
  key=$("$bin" keys create --name deadlines-bench --scopes admin --database-url "$url" | tail -n 1)
  status=$(curl -s -o "$work/program.json" -w '%{http_code}' -X PUT "$base/v1/program" \
    -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"service": {"sla": {"urgent": {"first_response_minutes": 1}}}}')
  [ "$status" = 200 ] || { echo "setting the program answered $status" >&2; cat "$work/program.json" >&2; exit 1; }
  : >"$work/open.ms"
  : >"$work/health.ms"
  for i in $(seq 1 "$timed"); do
    curl -s -o /dev/null -w '%{time_total}\n' "$base/health" | awk '{ printf "%.1f\n", $1 * 1000 }' >>"$work/health.ms"
    curl -s -o /dev/null -w '%{time_total}\n' -X POST "$base/v1/tickets" -H "Authorization: Bearer $key" \
      -H "Idempotency-Key: bench-$i" -H 'Content-Type: application/json' \
      -d "{\"subject\": \"bench $i\", \"priority\": \"urgent\"}" | awk '{ printf "%.1f\n", $1 * 1000 }' >>"$work/open.ms"
    sleep 0.1
  done
  sleep 63
  $sql "SELECT d.breached_at - d.due_at FROM ticket_deadlines d JOIN tickets t ON t.ticket_id = d.ticket_id
        WHERE t.opened_by <> 'bench' AND d.kind = 'first_response'" >"$work/late.ms"
  local missed
  missed=$(grep -c '^[0-9]' "$work/late.ms" || true)
  kill -TERM "$server_pid" && wait "$server_pid" 2>/dev/null || true
  server_pid=
  echo "$label, $count open: $missed of $timed missed targets marked, ms after their time: $(percentiles <"$work/late.ms");" \
    "opening a ticket ms: $(percentiles <"$work/open.ms"); GET /health ms (baseline): $(percentiles <"$work/health.ms")"
}

for count in 0 "$open"; do
  rm -f "$work/patron.sqlite"*
  run "SQLite" "sqlite:$work/patron.sqlite" "sqlite3 $work/patron.sqlite" "$count"
done
if [ -n "${PATRON_BENCH_POSTGRES_URL:-}" ]; then
  for count in 0 "$open"; do
    postgres_db="patron_deadlines_$$_$count"
    psql -X -q "$PATRON_BENCH_POSTGRES_URL" -c "CREATE DATABASE $postgres_db"
    run "PostgreSQL" "${PATRON_BENCH_POSTGRES_URL%/*}/$postgres_db" \
      "psql -X -At ${PATRON_BENCH_POSTGRES_URL%/*}/$postgres_db -c" "$count"
    psql -X -q "$PATRON_BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $postgres_db WITH (FORCE)"
    postgres_db=
  done
fi
