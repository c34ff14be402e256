#!/usr/bin/env bash
# Bulk points import benchmark: writes ROWS grants for ROWS/2 members as CSV, imports them with a
# release build of `patron import points` into a fresh SQLite database, and, as the baseline in the same
# run, loads the same file into a plain table with the sqlite3 shell's `.import`. Prints rows/s of both
# and their ratio. Usage: bench/import.sh [ROWS]
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
"$bin/patron" migrate --database-url "sqlite:$work/patron.sqlite" >/dev/null
start=$(date +%s%N)
"$bin/patron" import points "$work/grants.csv" --database-url "sqlite:$work/patron.sqlite" | tail -n 1
patron=$(seconds "$start" "$(date +%s%N)")

again_start=$(date +%s%N)
"$bin/patron" import points "$work/grants.csv" --database-url "sqlite:$work/patron.sqlite" | tail -n 1
again=$(seconds "$again_start" "$(date +%s%N)")

awk -v rows="$rows" -v b="$baseline" -v p="$patron" -v a="$again" 'BEGIN {
  printf "sqlite3 .import (baseline): %d rows in %ss = %.0f rows/s\n", rows, b, rows / b
  printf "patron import points:      %d rows in %ss = %.0f rows/s (%.1f× the baseline time)\n", rows, p, rows / p, p / b
  printf "the same file again:       %ss, nothing granted twice\n", a
}'
