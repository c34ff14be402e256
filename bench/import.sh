#!/usr/bin/env bash
# Bulk points import benchmark: writes ROWS grants for ROWS/2 members as CSV, imports them with a
# release build of `patron import points` into a fresh SQLite database, and, as the baseline in the same
# run, loads the same file into a plain table with the sqlite3 shell's `.import`. Prints rows/s of both
# and their ratio; importing the file a second time must grant nothing. With
# PATRON_BENCH_POSTGRES_URL=postgres://user@host:port/db, a server where a scratch database may be created,
# it imports into PostgreSQL too. Usage: bench/import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}

swift build -c release --product patron >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/patron-import.XXXXXX)
trap 'rm -rf "$work"' EXIT

awk -v rows="$rows" 'BEGIN {
  print "external_id,points,reason,grant_id"
  for (i = 1; i <= rows; i++) printf "u-%d,%d,opening balance,g-%d\n", i % (rows / 2), (i * 7919) % 1000 + 1, i
}' >"$work/grants.csv"

seconds() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", (e - s) / 1e9 }'; }

start=$(date +%s%N)
sqlite3 "$work/baseline.sqlite" <<SQL
PRAGMA journal_mode = WAL;
CREATE TABLE grants (external_id TEXT, points INTEGER, reason TEXT, grant_id TEXT PRIMARY KEY);
.mode csv
.import --skip 1 $work/grants.csv grants
SQL
baseline=$(seconds "$start" "$(date +%s%N)")

export PATRON_DATA_KEY
PATRON_DATA_KEY=$(head -c 32 /dev/urandom | base64)
echo "sqlite3 .import (baseline): $rows rows in ${baseline}s"

# import_into LABEL URL: imports the file, then the same file again, into a freshly migrated database.
import_into() {
  "$bin/patron" migrate --database-url "$2" >/dev/null
  local start again_start patron again
  start=$(date +%s%N)
  "$bin/patron" import points "$work/grants.csv" --database-url "$2" >/dev/null
  patron=$(seconds "$start" "$(date +%s%N)")
  again_start=$(date +%s%N)
  "$bin/patron" import points "$work/grants.csv" --database-url "$2" | tail -n 1
  again=$(seconds "$again_start" "$(date +%s%N)")
  awk -v label="$1" -v rows="$rows" -v b="$baseline" -v p="$patron" -v a="$again" 'BEGIN {
    printf "%s patron import points: %d rows in %ss = %.0f rows/s (%.1f× the baseline time); again %ss\n",
      label, rows, p, rows / p, p / b, a
  }'
}

import_into sqlite "sqlite:$work/patron.sqlite"
if [ -n "${PATRON_BENCH_POSTGRES_URL:-}" ]; then
  name=patron_import_$$
  psql -q "$PATRON_BENCH_POSTGRES_URL" -c "CREATE DATABASE $name"
  trap 'psql -q "$PATRON_BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; rm -rf "$work"' EXIT
  import_into postgresql "${PATRON_BENCH_POSTGRES_URL%/*}/$name"
fi
