#!/usr/bin/env bash
# RFM + lifecycle on stored orders: loads the RFM benchmark's seeded history (1,000,000 members, about 5 orders
# each) into a migrated Patron database and times `patron analytics segments` end to end — the per-member SQL
# aggregation, RFM scoring, segments and lifecycle stages, exactly what GET /v1/analytics/rfm computes — first
# without a fitted model (stages from days alone) and then after `patron analytics refit` (stages use P(alive)).
# The baseline, measured in the same run, is `patron analytics rfm` on the same orders as a CSV file.
# Target (DESIGN §6): RFM + lifecycle for 1,000,000 members in under 2 s.
# Usage: bench/rfm/stored.sh [MEMBERS] [SEED]     (defaults: 1000000 members, seed 20240101)
# Environment: PATRON_BIN=path/to/patron skips the build; RUNS sets the repetitions (default 3);
# PATRON_BENCH_POSTGRES_URL=postgres://user@host:port/db, a server where a scratch database may be created,
# runs the same on PostgreSQL. Needs sqlite3 (and psql for PostgreSQL) and Python with NumPy.
set -euo pipefail
cd "$(dirname "$0")/../.."
members=${1:-1000000}
seed=${2:-20240101}
runs=${RUNS:-3}
reference_date=2025-12-31

if [ -x bench/.venv/bin/python ]; then
  python=bench/.venv/bin/python
elif python3 -c 'import numpy' 2>/dev/null; then
  python=python3
else
  python3 -m venv bench/.venv
  bench/.venv/bin/python -m pip install --quiet --disable-pip-version-check numpy
  python=bench/.venv/bin/python
fi

if [ -z "${PATRON_BIN:-}" ]; then
  swift build -c release --product patron >/dev/null
  PATRON_BIN="$(swift build -c release --show-bin-path)/patron"
fi

work=$(mktemp -d /tmp/patron-rfm-stored.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$python" bench/rfm/generate.py "$work/orders.csv" --members "$members" --seed "$seed" \
  --reference-date "$reference_date"
echo "machine: $(uname -m), $(nproc) cores"

seconds() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# Milliseconds of wall-clock time of the command, printing its timings line (if any) after the figure.
time_command() {
  local start end output
  start=$(date +%s%N)
  output=$("$@" 2>&1 >/dev/null | grep '^timings:' || true)
  end=$(date +%s%N)
  last_ms=$(((end - start) / 1000000))
  last_timings=$output
}

# The baseline: the same orders read from the CSV file.
"$PATRON_BIN" analytics rfm --transactions "$work/orders.csv" --reference-date "$reference_date" \
  --output "$work/rfm.csv" >/dev/null 2>&1
best_csv=
for run in $(seq 1 "$runs"); do
  time_command "$PATRON_BIN" analytics rfm --transactions "$work/orders.csv" --reference-date "$reference_date" \
    --output "$work/rfm.csv" --timings
  [ -z "$best_csv" ] || [ "$last_ms" -lt "$best_csv" ] && best_csv=$last_ms
done
echo "baseline, patron analytics rfm on the CSV file (best of $runs): $(seconds "$best_csv") s (RFM only, no lifecycle)"

# Times segments RUNS times, then refits and times them again; prints the best of each.
measure() {
  local url=$1 label=$2 best
  "$PATRON_BIN" analytics segments --database-url "$url" --reference-date "$reference_date" >"$work/segments.json"
  for fitted in no yes; do
    if [ "$fitted" = yes ]; then
      time_command "$PATRON_BIN" analytics refit --database-url "$url" --as-of "$reference_date"
      echo "$label: refit (BG/NBD + Gamma-Gamma on the stored orders): $(seconds "$last_ms") s"
    fi
    best=
    for run in $(seq 1 "$runs"); do
      time_command "$PATRON_BIN" analytics segments --database-url "$url" --reference-date "$reference_date" \
        --timings
      echo "  run $run: $(seconds "$last_ms") s end to end; $last_timings"
      [ -z "$best" ] || [ "$last_ms" -lt "$best" ] && best=$last_ms
    done
    echo "$label, RFM + lifecycle $([ "$fitted" = yes ] && echo "with P(alive)" || echo "from days"), best of $runs:" \
      "$(seconds "$best") s; ratio to the CSV baseline $(awk -v a="$best" -v b="$best_csv" 'BEGIN{printf "%.2f", a/b}');" \
      "to the 2 s target $(awk -v a="$best" 'BEGIN{printf "%.2f", a/2000}')"
  done
  "$PATRON_BIN" analytics segments --database-url "$url" --reference-date "$reference_date"
}

# SQLite: migrate, then load members and orders with sqlite3 (local noon of each day at +08:00, amounts in fen).
database="$work/patron.sqlite"
"$PATRON_BIN" migrate --database-url "sqlite:$database" >/dev/null
load_start=$(date +%s%N)
sqlite3 "$database" <<SQL
PRAGMA synchronous = OFF;
CREATE TEMP TABLE staged (customer_id TEXT, date TEXT, amount REAL);
.mode csv
.import --skip 1 $work/orders.csv staged
CREATE TEMP TABLE dated AS
  SELECT rowid AS number, customer_id,
         CAST(ROUND((julianday(date) - 2440587.5) * 86400000) AS INTEGER) + 4 * 3600000 AS occurred_at,
         CAST(ROUND(amount * 100) AS INTEGER) AS amount_minor
  FROM staged;
INSERT INTO members (id, external_id, status, attributes, joined_at, created_at, updated_at)
  SELECT 'mem_' || customer_id, customer_id, 'active', '{}', MIN(occurred_at), MIN(occurred_at), MIN(occurred_at)
  FROM dated GROUP BY customer_id;
INSERT INTO orders (order_id, member_id, occurred_at, currency, channel, subtotal_minor, discount_minor,
                    shipping_minor, total_minor, request_fingerprint, created_at)
  SELECT 'ord_' || number, 'mem_' || customer_id, occurred_at, 'CNY', 'store', amount_minor, 0, 0, amount_minor,
         'bench', occurred_at
  FROM dated;
ANALYZE;
SQL
load_end=$(date +%s%N)
echo "SQLite: loaded $(sqlite3 "$database" 'SELECT COUNT(*) FROM orders') orders of" \
  "$(sqlite3 "$database" 'SELECT COUNT(*) FROM members') members in $(seconds $(((load_end - load_start) / 1000000))) s;" \
  "database $(du -h "$database" | cut -f1)"
measure "sqlite:$database" SQLite

if [ -n "${PATRON_BENCH_POSTGRES_URL:-}" ]; then
  export PATRON_DATA_KEY=${PATRON_DATA_KEY:-$(head -c 32 /dev/urandom | base64)}
  name=patron_rfm_bench_$$
  psql -q "$PATRON_BENCH_POSTGRES_URL" -c "CREATE DATABASE $name"
  trap 'psql -q "$PATRON_BENCH_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"; rm -rf "$work"' EXIT
  url="${PATRON_BENCH_POSTGRES_URL%/*}/$name"
  "$PATRON_BIN" migrate --database-url "$url" >/dev/null
  load_start=$(date +%s%N)
  psql -q "$url" <<SQL
CREATE TEMP TABLE staged (customer_id TEXT, date DATE, amount NUMERIC);
\copy staged FROM '$work/orders.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE dated AS
  SELECT row_number() OVER () AS number, customer_id,
         CAST(EXTRACT(EPOCH FROM date::timestamp) * 1000 AS BIGINT) + 4 * 3600000 AS occurred_at,
         CAST(ROUND(amount * 100) AS BIGINT) AS amount_minor
  FROM staged;
INSERT INTO members (id, external_id, status, attributes, joined_at, created_at, updated_at)
  SELECT 'mem_' || customer_id, customer_id, 'active', '{}', MIN(occurred_at), MIN(occurred_at), MIN(occurred_at)
  FROM dated GROUP BY customer_id;
INSERT INTO orders (order_id, member_id, occurred_at, currency, channel, subtotal_minor, discount_minor,
                    shipping_minor, total_minor, request_fingerprint, created_at)
  SELECT 'ord_' || number, 'mem_' || customer_id, occurred_at, 'CNY', 'store', amount_minor, 0, 0, amount_minor,
         'bench', occurred_at
  FROM dated;
VACUUM ANALYZE orders;
VACUUM ANALYZE members;
SQL
  load_end=$(date +%s%N)
  echo "PostgreSQL: loaded in $(seconds $(((load_end - load_start) / 1000000))) s"
  measure "$url" PostgreSQL
fi
