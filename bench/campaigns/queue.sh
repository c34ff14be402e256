#!/usr/bin/env bash
# Queueing a campaign to a million members: on the database bench/dashboard/generate.sh filled (a million
# members by default), saves two templates, a segment of everyone and a campaign with two variants and a 10%
# holdout through the API, then times `patron campaigns send`, which evaluates the segment, places each member by
# hash and writes every member's arm and every message in batches. The baseline, measured in the same run, is the
# same rows written by PostgreSQL alone: two INSERT … SELECT statements over the members in one transaction
# (no hashing, no batches, no round trips), rolled back. Each is run RUNS times, alternating; the campaign's rows
# are deleted after each run, so the database is left as it was.
# Usage: bench/campaigns/queue.sh [RUNS]   (default 2)
# Environment: as bench/dashboard/generate.sh (PATRON_SCALE_SERVER, PATRON_SCALE_DB, PATRON_BIN, KEY_FILE), and
#              PATRON_SCALE_PORT where serve listens while the campaign is saved (default 18092)
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-2}
server=${PATRON_SCALE_SERVER:-postgres://patron@127.0.0.1:55432/postgres}
db=${PATRON_SCALE_DB:-patron_scale}
bin=${PATRON_BIN:-/tmp/patron-scale/patron}
key_file=${KEY_FILE:-/tmp/patron-scale/$db.key}
port=${PATRON_SCALE_PORT:-18092}
url="${server%/*}/$db"
base="http://127.0.0.1:$port"

work=$(mktemp -d /tmp/patron-campaigns.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  psql -X -q "$url" -c "DELETE FROM messages WHERE source LIKE 'campaign:bench-%';
    DELETE FROM campaign_recipients WHERE campaign_id LIKE 'bench-%'; DELETE FROM campaigns WHERE campaign_id LIKE 'bench-%'" \
    >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export PATRON_DATA_KEY
PATRON_DATA_KEY=$(cat "$key_file")

"$bin" migrate --database-url "$url" >/dev/null
"$bin" serve --database-url "$url" --port "$port" --log-level warning --job-interval 0 --refit-interval 0 \
  >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do curl -sf "$base/ready" >/dev/null && break; sleep 0.1; done
curl -sf "$base/ready" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }
key=$("$bin" keys create --name campaigns-bench --scopes admin --database-url "$url" 2>/dev/null | tail -n 1)
put() {
  local status
  status=$(curl -s -o "$work/answer.json" -w '%{http_code}' -X PUT "$base$1" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -d "$2")
  case "$status" in 200 | 201) ;; *) echo "PUT $1 answered $status: $(cat "$work/answer.json")" >&2; exit 1 ;; esac
}
for variant in a b; do
  put "/v1/templates/bench-offer-$variant" "{\"name\": \"offer $variant\", \"category\": \"marketing\",
    \"contents\": [{\"channel\": \"email\", \"language\": \"zh\", \"subject\": \"优惠\", \"text\": \"{{member.name}}，您好\"}]}"
done
put /v1/segments/bench-everyone '{"name": "everyone", "rule": {"all": []}}'
for run in $(seq 1 "$runs"); do
  put "/v1/campaigns/bench-$run" '{"name": "bench", "segment_id": "bench-everyone", "holdout_percent": 10,
    "variants": [{"variant_id": "a", "template_id": "bench-offer-a"}, {"variant_id": "b", "template_id": "bench-offer-b"}]}'
done
# The campaigns are queued by the command, not by a serve beside it.
kill -TERM "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=
members=$(psql -X -At "$url" -c "SELECT COUNT(*) FROM members WHERE erased_at IS NULL")
echo "== $members members; $runs runs of each"

baseline() {
  local start
  start=$(date +%s%N)
  psql -X -q -v ON_ERROR_STOP=1 "$url" >/dev/null <<'SQL'
BEGIN;
INSERT INTO campaign_recipients (campaign_id, member_id, arm, message_id)
SELECT 'baseline', id, CASE WHEN random() < 0.1 THEN 'holdout' WHEN random() < 0.5 THEN 'a' ELSE 'b' END,
       'msg_b' || id
FROM members WHERE erased_at IS NULL;
INSERT INTO messages (message_id, natural_key, member_id, template_id, template_version, category, channels,
                      source, refs, status, attempts, due_at, created_at, updated_at)
SELECT message_id, 'campaign:baseline:' || member_id, member_id, 'bench-offer-' || arm, 1, 'marketing', 'email',
       'campaign:baseline', '{"coupon_code":null,"order_id":null,"ticket_id":null}', 'queued', 0, 0, 0, 0
FROM campaign_recipients WHERE campaign_id = 'baseline' AND arm <> 'holdout';
ROLLBACK;
SQL
  echo $((($(date +%s%N) - start) / 1000000))
}

: >"$work/baseline.ms"
: >"$work/patron.ms"
for run in $(seq 1 "$runs"); do
  baseline >>"$work/baseline.ms"
  start=$(date +%s%N)
  "$bin" campaigns send "bench-$run" --database-url "$url" >"$work/send.out"
  echo $((($(date +%s%N) - start) / 1000000)) >>"$work/patron.ms"
  queued=$(psql -X -At "$url" -c "SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = 'bench-$run'")
  sent=$(psql -X -At "$url" -c "SELECT COUNT(*) FROM messages WHERE source = 'campaign:bench-$run'")
  [ "$queued" = "$members" ] || { echo "run $run queued $queued of $members: $(cat "$work/send.out")" >&2; exit 1; }
  echo "run $run: $(cat "$work/send.out") — $sent messages"
  psql -X -q "$url" -c "DELETE FROM messages WHERE source = 'campaign:bench-$run';
    DELETE FROM campaign_recipients WHERE campaign_id = 'bench-$run'" >/dev/null
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
b=$(median "$work/baseline.ms")
p=$(median "$work/patron.ms")
printf 'baseline: the same rows by two INSERT … SELECT   median %7.0f ms\n' "$b"
printf 'patron campaigns send (segment, hash, batches)   median %7.0f ms   %5.2f× the baseline   %8.0f members/s\n' \
  "$p" "$(awk -v p="$p" -v b="$b" 'BEGIN { print p / b }')" "$(awk -v p="$p" -v m="$members" 'BEGIN { print m / p * 1000 }')"
