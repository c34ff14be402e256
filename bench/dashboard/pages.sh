#!/usr/bin/env bash
# Dashboard server time per page at scale: starts `patron serve` on the database bench/dashboard/generate.sh
# filled (background jobs and model refits off, so only the pages' own queries run), sums the overview's closed
# days as the job would (`patron analytics days`, timed), signs in as a member of
# staff holding a custom role with reports:read, members:read and program:write (no second factor needed), then
# fetches each page once to warm up and RUNS times more, and prints per page the median and longest time to
# first byte (curl's time_starttransfer: the server builds the whole page before its first byte) and the HTML
# size; GET /health, fetched the same way in the same run, is the baseline (connection and HTTP overhead).
# Pages: the overview for its default period (last 30 days) and for the last 365 days, analytics, program,
# a member search by external id and by phone, and the page of the member with the most points earned and of
# the median one. The first member is given a name, email and phone through the API (personal data is
# encrypted with the data key, which the SQL generator does not hold), so the phone search finds them.
# With log_min_duration_statement = 100 set on the database, every statement of 100 ms or more lands in the
# PostgreSQL server's log; for each page whose median passes 200 ms the slowest statements of its timed runs
# are listed (bench/dashboard/slow_sql.py), taken from the log by the connections of this server (found with
# `ss` from its sockets, so that others using the same database are left out).
# A request still unanswered after TIMEOUT seconds is given up: the statements the server is then running are
# listed with how long they have run, cancelled (pg_cancel_backend, so they do not slow the pages after), and
# the page's remaining runs skipped.
# Also prints how long generation took (stored in the database's comment by generate.sh).
# Usage: bench/dashboard/pages.sh [RUNS] [TIMEOUT]   (defaults: 10 runs, 300 s)
# Environment: as generate.sh (PATRON_SCALE_SERVER, PATRON_SCALE_DB, PATRON_BIN, KEY_FILE), and
#              PATRON_SCALE_PORT    where serve listens (default 18090)
#              PATRON_SCALE_PG_LOG  the PostgreSQL server's log (default DATA_DIRECTORY/server.log, where
#                                   scripts/start-test-postgres.sh puts it)
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-10}
timeout=${2:-300}
server=${PATRON_SCALE_SERVER:-postgres://patron@127.0.0.1:55432/postgres}
db=${PATRON_SCALE_DB:-patron_scale}
bin=${PATRON_BIN:-/tmp/patron-scale/patron}
key_file=${KEY_FILE:-/tmp/patron-scale/$db.key}
port=${PATRON_SCALE_PORT:-18090}
url="${server%/*}/$db"
base="http://127.0.0.1:$port"

work=$(mktemp -d /tmp/patron-dashboard-pages.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

sql() { psql -X -At "$url" -c "$1"; }
# The command line's own warnings go to a file, shown only when it fails.
cli() { "$bin" "$@" --database-url "$url" 2>"$work/cli.err" || { cat "$work/cli.err" >&2; return 1; }; }
export PATRON_DATA_KEY
PATRON_DATA_KEY=$(cat "$key_file")

generated=$(psql -X -At "$server" -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$db'")
psql -X -q "$server" -c "ALTER DATABASE $db SET log_min_duration_statement = 100"
pg_log=${PATRON_SCALE_PG_LOG:-$(psql -X -At "$server" -c "SHOW data_directory")/server.log}
[ -r "$pg_log" ] || { echo "cannot read the PostgreSQL log $pg_log: no SQL timings" >&2; pg_log=; }

"$bin" serve --database-url "$url" --port "$port" --log-level warning --job-interval 0 --refit-interval 0 \
  >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do curl -sf "$base/ready" >/dev/null && break; sleep 0.1; done
curl -sf "$base/ready" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }

# The overview's days that are over are summed as the job of a running server sums them (its jobs are off here):
# the first time over the whole history, later only the days changed since.
summing_started=$(date +%s%N)
summed_days=$(cli analytics days)
summing_ms=$((($(date +%s%N) - summing_started) / 1000000))

# A custom role is made through the API (the command line knows only the built-in ones), with an admin key.
admin_key=$(cli keys create --name dashboard-bench --scopes admin | tail -n 1)
status=$(curl -s -o "$work/role.json" -w '%{http_code}' -X POST "$base/v1/roles" \
  -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
  -d '{"name": "dashboard-bench", "permissions": ["reports:read", "members:read", "program:write"]}')
case $status in
  201) ;;
  409 | 422) grep -q dashboard-bench "$work/role.json" || { cat "$work/role.json" >&2; exit 1; } ;;
  *) echo "creating the role answered $status" >&2; cat "$work/role.json" >&2; exit 1 ;;
esac
email="dashboard-bench-$(date +%s)-$$@example.com"
password="Scale-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-7"
link=$(cli users create --email "$email" --role dashboard-bench --public-url "$base" | tail -n 1)
curl -sf -o /dev/null -X POST "$base/v1/auth/setup/${link##*/}" -H 'Content-Type: application/json' \
  -d "{\"password\": \"$password\"}"
cookie=$(curl -s -o /dev/null -D - -X POST "$base/sign-in" -H "Origin: $base" --data-urlencode "email=$email" \
  --data-urlencode "password=$password" --data-urlencode "next=/" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(patron_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "signing in failed" >&2; exit 1; }

heavy=$(sql "SELECT member_id FROM point_balances ORDER BY lifetime_earned DESC, member_id LIMIT 1")
typical=$(sql "SELECT member_id FROM point_balances ORDER BY lifetime_earned, member_id
               OFFSET (SELECT count(*) / 2 FROM point_balances) LIMIT 1")
heavy_external=$(sql "SELECT external_id FROM members WHERE id = '$heavy'")
heavy_orders=$(sql "SELECT count(*) FROM orders WHERE member_id = '$heavy'")
typical_orders=$(sql "SELECT count(*) FROM orders WHERE member_id = '$typical'")
phone=13800138000
curl -sf -o /dev/null -X PATCH "$base/v1/members/$heavy" -H "Authorization: Bearer $admin_key" \
  -H 'Content-Type: application/json' \
  -d "{\"name\": \"王小明\", \"email\": \"scale.heavy@example.com\", \"phone\": \"$phone\"}"

# The program's local date (the standard program is on UTC+08:00).
today=$(date -u -d '+8 hours' +%F)
year_ago=$(date -u -d '+8 hours 364 days ago' +%F)
pages=(
  "/health (baseline)|/health"
  "overview, default (last 30 days)|/"
  "overview, last 365 days|/?from=$year_ago&to=$today"
  "analytics|/analytics"
  "program|/program"
  "members search, external id|/members?q=$heavy_external"
  "members search, phone|/members?q=$phone"
  "member, most points ($heavy_orders orders)|/members/$heavy"
  "member, median points ($typical_orders orders)|/members/$typical"
)

log_size() { if [ -n "$pg_log" ]; then stat -c %s "$pg_log"; else echo 0; fi; }
pg_port=$(sed -E 's#^[a-z]+://([^@/]*@)?[^:/?]*:?([0-9]*).*#\2#' <<<"$server")
# This server's own PostgreSQL connections: the backends whose client port is one of its sockets (others may be
# using the same database; their statements are neither reported nor cancelled).
backends() {
  local ports
  ports=$(ss -Htnp state established "( dport = :${pg_port:-5432} )" | grep "pid=$server_pid," |
    awk '{ n = split($3, address, ":"); print address[n] }' | paste -sd, -)
  [ -n "$ports" ] || return 0
  sql "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE datname = '$db' AND client_port IN ($ports)"
}

# "HTTP-status seconds-to-first-byte bytes"; the status is 000 when the request timed out.
fetch() {
  curl -s --max-time "$timeout" -o "$work/page.html" -w '%{http_code} %{time_starttransfer} %{size_download}\n' \
    -H "Cookie: $cookie" "$base$1" || true
}

# After a time-out: what this server's connections are still running; then cancel that and wait until they idle.
give_up() {
  local own
  own=$(backends)
  [ -n "$own" ] || return 0
  sql "SELECT round(extract(epoch FROM clock_timestamp() - query_start) * 1000) || ' ms so far: '
              || regexp_replace(query, '\s+', ' ', 'g')
       FROM pg_stat_activity WHERE pid IN ($own) AND state = 'active' ORDER BY query_start" >"$1"
  for _ in $(seq 1 100); do
    # CASE fixes the order: only this server's busy connections are cancelled.
    busy=$(sql "SELECT count(*) FROM pg_stat_activity
                WHERE CASE WHEN pid IN ($own) AND state = 'active' THEN pg_cancel_backend(pid) ELSE false END")
    [ "$busy" = 0 ] && return
    sleep 0.2
  done
}

echo "== $db: ${generated:-generated by an unknown run}"
echo "   overview's daily sums: $summed_days days summed in $summing_ms ms before the timings"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
printf '%-42s %10s %10s %8s  %s\n' page "median ms" "max ms" KB path
pids=
page=0
: >"$work/slices"
for entry in "${pages[@]}"; do
  label=${entry%%|*}
  path=${entry#*|}
  slice=$((++page))
  from=$(log_size)
  read -r code _ _ <<<"$(fetch "$path")"
  if [ "$code" = 000 ]; then
    # The warm-up timed out: its slice of the log and what was still running stand for the page.
    give_up "$work/running.$slice"
  elif [ "$code" != 200 ]; then
    echo "$path answered $code" >&2
    tail -n 20 "$work/serve.log" >&2
    exit 1
  else
    from=$(log_size)
    : >"$work/times"
    for _ in $(seq 1 "$runs"); do
      fetch "$path" >>"$work/times"
      if [ "$(tail -n 1 "$work/times" | cut -d' ' -f1)" = 000 ]; then
        give_up "$work/running.$slice"
        break
      fi
    done
    if awk '$1 != 200 && $1 != "000" { bad = 1 } END { exit !bad }' "$work/times"; then
      echo "$path did not always answer 200:" >&2
      cat "$work/times" >&2
      exit 1
    fi
  fi
  to=$(log_size)
  pids="$pids,$(backends)"
  if [ -e "$work/running.$slice" ]; then
    median=$((timeout * 1000))
    printf '%-42s %10s %10s %8s  %s\n' "$label" "> $timeout s" "> $timeout s" - "$path"
  else
    read -r median max kb <<<"$(awk '{ print $2 * 1000, $3 }' "$work/times" | sort -n | awk '
      { t[NR] = $1; size = $2 }
      END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f", m, t[NR], size / 1024 }')"
    printf '%-42s %10s %10s %8s  %s\n' "$label" "$median" "$max" "$kb" "$path"
  fi
  echo "$slice|$label|$median|$from|$to" >>"$work/slices"
done
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "$pg_log" ]; then
  pids=$(tr ',' '\n' <<<"$pids" | grep -E '^[0-9]+$' | sort -u | paste -sd, -)
  echo "== statements of 100 ms or more (PostgreSQL log), for pages with a median over 200 ms; $runs runs each"
  while IFS='|' read -r slice label median from to; do
    awk -v m="$median" 'BEGIN { exit !(m > 200) }' || continue
    if [ -e "$work/running.$slice" ]; then
      echo "   $label (timed out after $timeout s; its finished statements, then those cancelled):"
    else
      echo "   $label (median $median ms):"
    fi
    python3 slow_sql.py "$pg_log" "$from" "$to" "$pids" 6 400
    if [ -e "$work/running.$slice" ]; then
      sed 's/^/      still running, /' "$work/running.$slice" | cut -c 1-420
    fi
  done <"$work/slices"
fi
