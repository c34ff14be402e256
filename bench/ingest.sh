#!/usr/bin/env bash
# Order ingestion benchmark: starts a release build of Patron on SQLite, then on a throwaway
# PostgreSQL, each once with no earning rules and once with five rules and tiers
# (bench/programs/*.json), sends the same load with bench/load (patron-load), and prints orders/s and
# latency beside a GET /health baseline measured in the same run, and the rules/no-rules ratio.
# With STEADY_RATE, each server then also takes 10 seconds of orders at that fixed rate, open loop
# (sent on schedule whatever the answers, latency counted from the schedule), for latency under load.
# Usage: bench/ingest.sh [ORDERS] [CONCURRENCY] [STEADY_RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
orders=${1:-20000}
concurrency=${2:-64}
steady_rate=${3:-0}
port=18080

swift build -c release --product patron >/dev/null
swift build -c release --product patron-load >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/patron-bench.XXXXXX)
chmod 755 "$work"
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -f "$work/postgres/PG_VERSION" ]; then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/postgres" -m fast stop >/dev/null
    else "$pg_bin/pg_ctl" -D "$work/postgres" -m fast stop >/dev/null; fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

run_against() {
  local label=$1 database_url=$2 program=$3
  PATRON_DATA_KEY=$(head -c 32 /dev/urandom | base64) "$bin/patron" serve --port "$port" --log-level warning \
    --database-url "$database_url" --program "$program" >"$work/serve-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
  local key
  key=$(grep -E '^\s+ptn_' "$work/serve-$label.log" | tr -d ' ')
  echo "== $label: $orders orders, concurrency $concurrency, program $(basename "$program")"
  "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key" --orders "$orders" \
    --concurrency "$concurrency" --baseline | tee "$work/load-$label.txt"
  if [ "$steady_rate" -gt 0 ]; then
    "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key" --orders $((steady_rate * 10)) \
      --rate "$steady_rate"
  fi
  echo "   server resident memory: $(ps -o rss= -p "$server_pid" | awk '{printf "%.0f MiB", $1/1024}')"
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=
}

# The orders/s figure of a run's POST /v1/orders line.
rate() { grep 'POST /v1/orders:' "$work/load-$1.txt" | grep -oE '= [0-9]+/s' | grep -oE '[0-9]+'; }
ratio() { echo "   $1: five rules and tiers run at $(awk -v a="$(rate "$1-rules")" -v b="$(rate "$1-plain")" \
  'BEGIN { printf "%.2f", a / b }')× the orders/s of no rules"; }

run_against sqlite-plain "sqlite:$work/plain.sqlite" bench/programs/no-rules.json
run_against sqlite-rules "sqlite:$work/rules.sqlite" bench/programs/five-rules.json
postgres_url=$(scripts/start-test-postgres.sh "$work/postgres" 55434)
"$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" "$postgres_url" -qc "CREATE DATABASE plain" -c "CREATE DATABASE rules"
run_against postgres-plain "${postgres_url%/*}/plain" bench/programs/no-rules.json
run_against postgres-rules "${postgres_url%/*}/rules" bench/programs/five-rules.json
# The ceiling: the same server taking an order's five essential writes as one transaction each, from
# pgbench with as many clients, and nothing else (bench/pgbench).
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
"$pg_bin/psql" "$postgres_url" -qc "CREATE DATABASE ceiling"
"$pg_bin/psql" "${postgres_url%/*}/ceiling" -q -f bench/pgbench/schema.sql
ceiling=$("$pg_bin/pgbench" -n -c "$concurrency" -j 2 -T 10 -f bench/pgbench/order-writes.sql \
  "${postgres_url%/*}/ceiling" 2>/dev/null | grep -oE '^tps = [0-9]+' | grep -oE '[0-9]+')
echo "== postgres ceiling: pgbench, five writes per transaction, $concurrency clients: $ceiling tx/s"
echo "== ratios"
ratio sqlite
ratio postgres
for label in postgres-plain postgres-rules; do
  echo "   $label: $(awk -v a="$(rate "$label")" -v b="$ceiling" 'BEGIN { printf "%.2f", a / b }')× the pgbench ceiling"
done
