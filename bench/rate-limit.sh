#!/usr/bin/env bash
# Rate limits under a flood: a release build of Patron on a fresh SQLite database, where key B (a till) sends
# orders at a steady RATE, open loop, first alone, then while key A floods orders; A's write budget is BUDGET per
# minute, so nearly all of its flood is answered 429 without touching the database. Three floods, each while B
# sends for SECONDS:
#   1. 10,000 orders at FLOOD_RATE a second, on schedule whatever the answers (a runaway sync job), once A has
#      spent its budget for the minute, so every one of them is refused;
#   2. as fast as 64 clients can send, one after another (the load generator then takes a core of this machine);
#   3. the same with no budget in the way, to show what the limit saves.
# Prints B's p50/p99 in each phase; compare them with B alone, measured in the same run.
# B's own rate stays within the budget, which every key has.
# Usage: bench/rate-limit.sh [RATE] [SECONDS] [BUDGET] [FLOOD_RATE]
#        (defaults: 20 orders/s, 30 s, 1200 writes/min, 1000 orders/s)
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-20}
seconds=${2:-30}
budget=${3:-1200}
flood_rate=${4:-1000}
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
  local label=$1 span=${2:-$seconds}
  "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key_b" --orders $((rate * span)) --rate "$rate" \
    --prefix "B-$label-" | sed "s|^|   $label, key B: |" || true
}

flood() {
  "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key_a" --orders 10000000 --concurrency 64 \
    --prefix "A-$1-" >"$work/flood-$1.txt" 2>&1 &
  flood_pid=$!
}

flood_on_schedule() {
  "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key_a" --orders 10000 --rate "$flood_rate" \
    --concurrency 512 --prefix "A-$1-" | sed "s|^|   $1, key A: |" &
  flood_pid=$!
}

stop() {
  [ -n "$flood_pid" ] && kill -KILL "$flood_pid" 2>/dev/null && wait "$flood_pid" 2>/dev/null || true
  flood_pid=
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=
}

echo "== key B at $rate orders/s for $seconds s; key A floods"
start limited "write=$budget"
till alone
# Spend A's budget early in a minute, so the whole flood falls in that minute's window.
while [ $((10#$(date +%S))) -gt 30 ]; do sleep 1; done
"$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key_a" --orders "$budget" --concurrency 8 \
  --prefix "A-budget-" | sed "s|^|   A spends its budget: |"
flood_on_schedule scheduled
sleep 1
till "A sending 10,000 at $flood_rate/s, A's budget $budget a minute" $((10000 / flood_rate - 2))
wait "$flood_pid" || true
flood_pid=
flood limited
sleep 2
till "A flooding from 64 clients, A's budget $budget a minute"
stop
start unlimited "write=100000000"
flood unlimited
sleep 2
till "A flooding from 64 clients, no budget"
stop
