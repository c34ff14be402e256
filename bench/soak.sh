#!/usr/bin/env bash
# Soak: a release build of Patron on a fresh SQLite database (and, with PATRON_BENCH_POSTGRES_URL set to a server
# where a scratch database may be created, on PostgreSQL) takes orders at a fixed RATE for MINUTES, open loop,
# with READS of the requests reading an order sent earlier, under the five-rule program. Prints the latency of
# each minute (p50, p99) and the server's resident memory sampled every 10 s: it must stay flat.
# Usage: bench/soak.sh [MINUTES] [RATE] [READS]     (defaults: 10 minutes, 1000 requests/s, 0.3)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
rate=${2:-1000}
reads=${3:-0.3}
port=18081

swift build -c release --product patron >/dev/null
swift build -c release --product patron-load >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/patron-soak.XXXXXX)
server_pid=
sampler_pid=
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

soak() {
  local label=$1 database_url=$2
  PATRON_DATA_KEY=$(head -c 32 /dev/urandom | base64) "$bin/patron" serve --port "$port" --log-level warning \
    --database-url "$database_url" --program bench/programs/five-rules.json >"$work/serve-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
  local key
  key=$(grep -E '^\s+ptn_' "$work/serve-$label.log" | tr -d ' ')
  (while kill -0 "$server_pid" 2>/dev/null; do
    ps -o rss= -p "$server_pid" | awk '{printf "%.1f\n", $1 / 1024}'
    sleep 10
  done) >"$work/rss-$label.txt" &
  sampler_pid=$!
  echo "== $label: $minutes min at $rate requests/s, $reads of them reads"
  "$bin/patron-load" --url "http://127.0.0.1:$port" --key "$key" --orders $((rate * minutes * 60)) \
    --rate "$rate" --reads "$reads" --interval 60 || echo "   (some requests failed)"
  kill "$sampler_pid" 2>/dev/null || true
  sampler_pid=
  echo "   resident memory every 10 s (MiB): $(tr '\n' ' ' <"$work/rss-$label.txt")"
  awk 'NR == 1 { first = $1; low = $1; high = $1 } { if ($1 < low) low = $1; if ($1 > high) high = $1; last = $1 }
    END { printf "   resident memory: first %.1f, lowest %.1f, highest %.1f, last %.1f MiB\n", first, low, high, last }' \
    "$work/rss-$label.txt"
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=
}

soak sqlite "sqlite:$work/soak.sqlite"
if [ -n "${PATRON_BENCH_POSTGRES_URL:-}" ]; then
  name=patron_soak_$$
  psql -q "$PATRON_BENCH_POSTGRES_URL" -c "CREATE DATABASE $name"
  soak postgresql "${PATRON_BENCH_POSTGRES_URL%/*}/$name"
  psql -q "$PATRON_BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"
fi
