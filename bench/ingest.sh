#!/usr/bin/env bash
# Order ingestion benchmark: starts a release build of Patron on SQLite, then on a throwaway
# PostgreSQL, sends the same load to each with bench/load (patron-load), and prints orders/s and
# latency beside a GET /health baseline measured in the same run.
# Usage: bench/ingest.sh [ORDERS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
orders=${1:-20000}
concurrency=${2:-64}
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
  local label=$1 database_url=$2
  PATRON_DATA_KEY=$(head -c 32 /dev/urandom | base64) "$bin/patron" serve --port "$port" --log-level warning \
    --database-url "$database_url" >"$work/serve-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
  local key
  key=$(grep -E '^\s+ptn_' "$work/serve-$label.log" | tr -d ' ')
  echo "== $label: $orders orders, concurrency $concurrency"
  "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key" --orders "$orders" \
    --concurrency "$concurrency" --baseline
  echo "   server resident memory: $(ps -o rss= -p "$server_pid" | awk '{printf "%.0f MiB", $1/1024}')"
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=
}

run_against sqlite "sqlite:$work/bench.sqlite"
postgres_url=$(scripts/start-test-postgres.sh "$work/postgres" 55434)
run_against postgres "$postgres_url"
