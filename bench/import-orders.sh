#!/usr/bin/env bash
# Order history import benchmark: writes ORDERS orders (bench/orders.py: one to three lines each, customers'
# order counts skewed as in real shops, a quarter as many customers as orders) as a till's line-item CSV, imports
# them with a release build of `patron import orders` into a fresh SQLite database and, as the baseline in the same
# run, loads the same file into a plain table with the sqlite3 shell's `.import`. Prints orders/s of both and their
# ratio; importing the file a second time must record nothing. With
# PATRON_BENCH_POSTGRES_URL=postgres://user@host:port/db, a server where a scratch database may be created, it
# imports into PostgreSQL too. Usage: bench/import-orders.sh [ORDERS] [BATCH_SIZE]  (default: the command's)
set -euo pipefail
cd "$(dirname "$0")/.."
orders=${1:-1000000}
batch=${2:-}

swift build -c release --product patron >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/patron-import-orders.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 bench/orders.py "$work/orders.csv" "$orders"
echo "$orders orders in $(($(wc -l <"$work/orders.csv") - 1)) line items"

seconds() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", (e - s) / 1e9 }'; }

start=$(date +%s%N)
sqlite3 "$work/baseline.sqlite" <<SQL
PRAGMA journal_mode = WAL;
CREATE TABLE lines (order_id TEXT, external_id TEXT, occurred_at TEXT, currency TEXT, channel TEXT, store_id TEXT,
  sku TEXT, category TEXT, quantity INTEGER, unit_price_minor INTEGER, discount_minor INTEGER, total_minor INTEGER);
.mode csv
.import --skip 1 $work/orders.csv lines
SQL
baseline=$(seconds "$start" "$(date +%s%N)")

export PATRON_DATA_KEY
PATRON_DATA_KEY=$(head -c 32 /dev/urandom | base64)
echo "sqlite3 .import (baseline): $orders orders in ${baseline}s"

# import_into LABEL URL: imports the file, then the same file again, into a freshly migrated database.
import_into() {
  "$bin/patron" migrate --database-url "$2" >/dev/null
  local start again_start patron again
  start=$(date +%s%N)
  "$bin/patron" import orders "$work/orders.csv" ${batch:+--batch-size "$batch"} --database-url "$2" >/dev/null
  patron=$(seconds "$start" "$(date +%s%N)")
  again_start=$(date +%s%N)
  "$bin/patron" import orders "$work/orders.csv" ${batch:+--batch-size "$batch"} --database-url "$2" | tail -n 1
  again=$(seconds "$again_start" "$(date +%s%N)")
  awk -v label="$1" -v orders="$orders" -v b="$baseline" -v p="$patron" -v a="$again" 'BEGIN {
    printf "%s patron import orders: %d orders in %ss = %.0f orders/s (%.1f× the baseline time); again %ss\n",
      label, orders, p, orders / p, p / b, a
  }'
}

import_into sqlite "sqlite:$work/patron.sqlite"
if [ -n "${PATRON_BENCH_POSTGRES_URL:-}" ]; then
  name=patron_import_orders_$$
  psql -q "$PATRON_BENCH_POSTGRES_URL" -c "CREATE DATABASE $name"
  trap 'psql -q "$PATRON_BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; rm -rf "$work"' EXIT
  import_into postgresql "${PATRON_BENCH_POSTGRES_URL%/*}/$name"
fi
