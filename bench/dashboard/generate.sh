#!/usr/bin/env bash
# Scale data for the dashboard benchmark: creates the PostgreSQL database DB, migrates it with `patron migrate`
# and fills it straight in SQL (bench/dashboard/generate.sql: INSERT … SELECT over generate_series, with the
# indexes and foreign keys dropped during the load and put back after) with MEMBERS members and exactly ORDERS
# orders of a retail chain's last three years ending now, their lines, points (earn entries, lots, refunds,
# redemptions, expiry), tiers and referrals. Then VACUUM (ANALYZE), so the tables are as a long-running
# database's are: statistics known, pages all-visible for index-only scans. Prints how long each step took and
# stores the totals in the database's comment, where bench/dashboard/pages.sh reads them.
# The data key (PATRON_DATA_KEY) is written to KEY_FILE; every later command on this database needs it.
# Usage: bench/dashboard/generate.sh [MEMBERS] [ORDERS] [SEED]   (defaults: 1000000 10000000 0.42)
# Environment: PATRON_SCALE_SERVER  a server where a database may be created
#                                   (default postgres://patron@127.0.0.1:55432/postgres)
#              PATRON_SCALE_DB      the database to create (default patron_scale); an existing one is refused
#                                   unless PATRON_SCALE_REPLACE=1, which drops it first
#              PATRON_BIN           the patron executable (default /tmp/patron-scale/patron)
#              KEY_FILE             default /tmp/patron-scale/DB.key
set -euo pipefail
cd "$(dirname "$0")"
members=${1:-1000000}
orders=${2:-10000000}
seed=${3:-0.42}
server=${PATRON_SCALE_SERVER:-postgres://patron@127.0.0.1:55432/postgres}
db=${PATRON_SCALE_DB:-patron_scale}
bin=${PATRON_BIN:-/tmp/patron-scale/patron}
key_file=${KEY_FILE:-/tmp/patron-scale/$db.key}
url="${server%/*}/$db"

[ "$orders" -ge "$members" ] || { echo "ORDERS must be at least MEMBERS" >&2; exit 2; }
exists=$(psql -X -q -At "$server" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")
if [ -n "$exists" ]; then
  if [ "${PATRON_SCALE_REPLACE:-}" != 1 ]; then
    echo "database $db exists; set PATRON_SCALE_REPLACE=1 to drop and generate it again" >&2
    exit 1
  fi
  psql -X -q "$server" -c "DROP DATABASE $db WITH (FORCE)"
fi

mkdir -p "$(dirname "$key_file")"
if [ ! -s "$key_file" ]; then
  (umask 077 && head -c 32 /dev/urandom | base64 >"$key_file")
fi
export PATRON_DATA_KEY
PATRON_DATA_KEY=$(cat "$key_file")

seconds() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

start=$(date +%s%N)
psql -X -q "$server" -c "CREATE DATABASE $db"
"$bin" migrate --database-url "$url" >/dev/null
now_ms=$(($(date +%s%N) / 1000000))
echo "== generating $members members, $orders orders into $db (now = $(date -u -d "@$((now_ms / 1000))" +%FT%TZ))"
psql -X "$url" -v members="$members" -v orders="$orders" -v now_ms="$now_ms" -v seed="$seed" -f generate.sql
loaded=$(date +%s%N)
echo "== VACUUM (ANALYZE)"
psql -X -q "$url" -c "VACUUM (ANALYZE)"
done_at=$(date +%s%N)

load_s=$(seconds "$start" "$loaded")
vacuum_s=$(seconds "$loaded" "$done_at")
total_s=$(seconds "$start" "$done_at")
size=$(psql -X -At "$url" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
summary="$members members, $orders orders generated in ${total_s}s (load ${load_s}s, VACUUM ANALYZE ${vacuum_s}s), $size, seed $seed, $(date -u +%FT%TZ)"
psql -X -q "$server" -c "COMMENT ON DATABASE $db IS '$summary'"
echo "== $summary"
echo "   database URL: $url   data key: $key_file"
