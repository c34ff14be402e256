#!/usr/bin/env bash
# Email dispatch rate on SQLite (or PostgreSQL with PATRON_BENCH_DATABASE_URL): a release `patron serve` sends N
# queued messages through a real SMTP server on loopback (scripts/smtp-sink.py, aiosmtpd, STARTTLS and AUTH),
# timed from the moment they fall due until the last arrives, beside Python's smtplib sending as many to a
# second sink in the same run (bench/messages/dispatch.py).
# Usage: bench/messages/dispatch.sh [N]   (default 5000; needs aiosmtpd: pip install aiosmtpd, and openssl)
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-5000}
port=${PATRON_BENCH_PORT:-18095}
python=${PATRON_TEST_PYTHON:-python3}
work=$(mktemp -d /tmp/patron-dispatch.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# PATRON_BIN: a release `patron` built before (else it is built here).
bin=${PATRON_BIN:-}
if [ -z "$bin" ]; then
  swift build -c release --product patron >/dev/null
  bin=$(swift build -c release --show-bin-path)/patron
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
start_sink() {  # NAME: starts a sink and sets sink_port
  "$python" scripts/smtp-sink.py --port 0 --spool "$work/$1" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" \
    --require-starttls --auth shop:s3cret >"$work/$1.out" &
  pids+=($!)
  for _ in $(seq 1 200); do [ -s "$work/$1.out" ] && break; sleep 0.1; done
  read -r _ sink_port <"$work/$1.out"
}
start_sink baseline
baseline_port=$sink_port
start_sink patron

database=${PATRON_BENCH_DATABASE_URL:-sqlite:$work/bench.sqlite}
export PATRON_DATA_KEY
PATRON_DATA_KEY=$(openssl rand -base64 32)
PATRON_SMTP_URL="smtp://shop:s3cret@localhost:$sink_port" PATRON_SMTP_CA_FILE="$work/cert.pem" \
  PATRON_MAIL_FROM="Shop <news@shop.example.cn>" \
  "$bin" serve --database-url "$database" --port "$port" --log-level warning --job-interval 0 \
  --refit-interval 0 >"$work/serve.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do curl -sf "$base/ready" >/dev/null && break; sleep 0.1; done
curl -sf "$base/ready" >/dev/null || { cat "$work/serve.log" >&2; exit 1; }
key=$("$bin" keys create --name dispatch-bench --scopes admin --database-url "$database" 2>/dev/null | tail -n 1)
echo "database: ${database%%:*}"
"$python" bench/messages/dispatch.py "$base" "$key" "$sink_port" "$work/patron" "$baseline_port" "$work/baseline" \
  "$work/cert.pem" "$count"
