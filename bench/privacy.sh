#!/usr/bin/env bash
# Consent import, master-key rotation and retention benchmark. Writes consent statements for MEMBERS members as
# CSV (one to three each: marketing by a channel drawn with skew, profiling for some; every one with evidence, so
# each member gets a data key), imports them with a release build of `patron import consents` into a fresh SQLite
# database, re-wraps every key with `patron keys rotate-data-key`, then runs `patron privacy retention` as of four
# years on, which anonymises every member (none did anything since). As the baselines in the same run, the sqlite3
# shell loads the same file into a plain table, rewrites every member key row in one UPDATE, and makes the
# erasures' writes for every member at once, set-wise. Prints statements/s, keys/s and members/s with ratios. With PATRON_BENCH_POSTGRES_URL (a server
# where a scratch database may be created) it runs against PostgreSQL too. Usage: bench/privacy.sh [MEMBERS]
set -euo pipefail
cd "$(dirname "$0")/.."
members=${1:-100000}

swift build -c release --product patron >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/patron-privacy.XXXXXX)
trap 'rm -rf "$work"' EXIT

awk -v members="$members" 'BEGIN {
  srand(7)
  split("wechat sms sms email email email push phone", channels, " ")
  print "external_id,purpose,channel,state,evidence"
  for (i = 1; i <= members; i++) {
    n = 1 + int(rand() * rand() * 3)
    for (j = 1; j <= n; j++) {
      if (j == 3) { printf "m-%d,profiling,,granted,app screen %d\n", i, i % 97; continue }
      c = channels[1 + int(rand() * 8)]
      if (j == 2 && c == prev) c = (c == "sms" ? "email" : "sms")
      prev = c
      printf "m-%d,marketing,%s,%s,form %d\n", i, c, (rand() < 0.8 ? "granted" : "withdrawn"), i % 1013
    }
  }
}' >"$work/consents.csv"
statements=$(($(wc -l <"$work/consents.csv") - 1))

seconds() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", (e - s) / 1e9 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

start=$(date +%s%N)
sqlite3 "$work/baseline.sqlite" <<SQL
PRAGMA journal_mode = WAL;
CREATE TABLE consents (external_id TEXT, purpose TEXT, channel TEXT, state TEXT, evidence TEXT);
.mode csv
.import --skip 1 $work/consents.csv consents
SQL
load_baseline=$(seconds "$start" "$(date +%s%N)")
echo "sqlite3 .import (baseline): $statements statements in ${load_baseline}s"

later=$(date -u -d '+4 years' +%F)
old=$(head -c 32 /dev/urandom | base64)
new=$(head -c 32 /dev/urandom | base64)

run_on() {
  local label=$1 url=$2 start import rotate
  PATRON_DATA_KEY=$old "$bin/patron" migrate --database-url "$url" >/dev/null
  start=$(date +%s%N)
  PATRON_DATA_KEY=$old "$bin/patron" import consents "$work/consents.csv" --database-url "$url" --errors "$work/errors.txt"
  import=$(seconds "$start" "$(date +%s%N)")
  start=$(date +%s%N)
  PATRON_DATA_KEY=$new PATRON_PREVIOUS_DATA_KEYS=$old "$bin/patron" keys rotate-data-key --database-url "$url"
  rotate=$(seconds "$start" "$(date +%s%N)")
  echo "$label: import $(rate "$statements" "$import") statements/s (${import}s, $(ratio "$import" "$load_baseline")× the" \
    "baseline load); rotation $(rate "$members" "$rotate") keys/s (${rotate}s)"
}

retain_on() {
  local label=$1 url=$2 start retain
  start=$(date +%s%N)
  PATRON_DATA_KEY=$new "$bin/patron" privacy retention --as-of "$later" --database-url "$url" | grep members
  retain=$(seconds "$start" "$(date +%s%N)")
  echo "$label: retention anonymised $(rate "$members" "$retain") members/s (${retain}s${3:+, $(ratio "$retain" "$3")× the baseline})"
}

run_on "SQLite" "sqlite:$work/patron.sqlite"
cp "$work/patron.sqlite" "$work/keys.sqlite"
cp "$work/patron.sqlite" "$work/erase.sqlite"
start=$(date +%s%N)
sqlite3 "$work/keys.sqlite" "UPDATE member_keys SET wrapped_key = wrapped_key || '', created_at = created_at + 1;"
update_baseline=$(seconds "$start" "$(date +%s%N)")
echo "sqlite3 UPDATE of every member key in one statement (baseline): ${update_baseline}s"
start=$(date +%s%N)
sqlite3 "$work/erase.sqlite" <<SQL
BEGIN;
INSERT INTO point_balances (member_id, available, pending, lifetime_earned, debt, updated_at, closed_at)
  SELECT id, 0, 0, 0, 0, 1, 1 FROM members WHERE true ON CONFLICT (member_id) DO UPDATE SET closed_at = 1;
UPDATE members SET status = 'erased', external_id = NULL, name_ciphertext = NULL, birthday_ciphertext = NULL,
  attributes = '{}', erased_at = 1, updated_at = 1;
DELETE FROM member_identities; DELETE FROM member_devices; DELETE FROM member_consents;
DELETE FROM consent_records; DELETE FROM member_keys;
COMMIT;
SQL
erase_baseline=$(seconds "$start" "$(date +%s%N)")
echo "sqlite3 erasure writes for every member, set-wise in one transaction (baseline): ${erase_baseline}s"
retain_on "SQLite" "sqlite:$work/patron.sqlite" "$erase_baseline"

if [ -n "${PATRON_BENCH_POSTGRES_URL:-}" ]; then
  database="patron_privacy_$$"
  psql "$PATRON_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $database" >/dev/null
  trap 'psql "$PATRON_BENCH_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null; rm -rf "$work"' EXIT
  run_on "PostgreSQL" "${PATRON_BENCH_POSTGRES_URL%/*}/$database"
  retain_on "PostgreSQL" "${PATRON_BENCH_POSTGRES_URL%/*}/$database"
fi
