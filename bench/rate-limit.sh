#!/usr/bin/env bash
# Rate limits under a flood: a release build of Patron on a fresh SQLite database, where key B (a till) sends
# orders at a steady RATE, open loop, first alone, then while key A floods orders from 64 clients at once; A's
# write budget is BUDGET per minute, so nearly all of its flood is answered 429 without touching the database. Then
# the same flood with no budget in the way, to show what the limit saves. Prints B's p50/p99 in each phase and the
# ratio to B alone, measured in the same run.
# B's own rate stays within the budget, which every key has.
# Usage: bench/rate-limit.sh [RATE] [SECONDS] [BUDGET]     (defaults: 10 orders/s, 30 s, 1200 writes/min)
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-10}
seconds=${2:-30}
budget=${3:-1200}
port=18082

swift build -c release --product patron >/dev/null
swift build -c release --product patron-load >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/patron-rate-limit.XXXXXX)
server_pid=
flood_pid=
cleanup() {
  [ -n "$flood_pid" ] && kill -KILL "$flood_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start() {
  local label=$1 limits=$2
  PATRON_DATA_KEY=$(head -c 32 /dev/urandom | base64) "$bin/patron" serve --port "$port" --log-level warning \
    --database-url "sqlite:$work/$label.sqlite" --rate-limits "$limits" >"$work/serve-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
  key_a=$("$bin/patron" keys create --name flood --scopes orders:write --database-url "sqlite:$work/$label.sqlite" | tail -1)
  key_b=$("$bin/patron" keys create --name till --scopes orders:write --database-url "sqlite:$work/$label.sqlite" | tail -1)
}

till() {
  "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key_b" --orders $((rate * seconds)) --rate "$rate" \
    --prefix "B-$1-" | sed "s|^|   $1, key B: |" || true
}

flood() {
  "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key_a" --orders 10000000 --concurrency 64 \
    --prefix "A-$1-" >"$work/flood-$1.txt" 2>&1 &
  flood_pid=$!
}

stop() {
  [ -n "$flood_pid" ] && kill -KILL "$flood_pid" 2>/dev/null && wait "$flood_pid" 2>/dev/null || true
  flood_pid=
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=
}

echo "== key B at $rate orders/s for $seconds s; key A floods from 64 clients"
start limited "write=$budget"
till alone
flood limited
sleep 2
till "A flooding, A's budget $budget a minute"
stop
start unlimited "write=100000000"
flood unlimited
sleep 2
till "A flooding, no budget"
stop
