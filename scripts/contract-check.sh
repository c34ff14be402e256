#!/usr/bin/env bash
# API contract check: runs schemathesis with every check against /openapi.json of a freshly started
# `patron serve`, first on a new SQLite database, then on a new database of the PostgreSQL server named by
# PATRON_TEST_POSTGRES_URL (skipped when unset). Fails on any failure of any kind.
#
# Usage: scripts/contract-check.sh [SECONDS_PER_ENGINE]   (default 150; PATRON_CONTRACT_SEED fixes the data)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-150}
seed=${PATRON_CONTRACT_SEED:-20261101}
port=${PATRON_CONTRACT_PORT:-18080}
schemathesis_version=4.32.5
venv=${PATRON_CONTRACT_VENV:-$PWD/.build/contract-venv}
schemathesis="$venv/bin/schemathesis"
config="$PWD/scripts/contract-check.toml"
hooks_dir="$PWD/scripts"

if ! "$schemathesis" --version 2>/dev/null | grep -q "$schemathesis_version"; then
  # A newer Python is preferred when one runs; scripts/contract_hooks.py covers a CPython 3.11 fault.
  for python in python3.13 python3.12 python3; do
    if "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then break; fi
  done
  echo "Installing schemathesis $schemathesis_version into $venv with $($python --version)"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

# The same build as `swift test` (a product-only build would compile every dependency again).
swift build --build-tests
patron="$(swift build --show-bin-path)/patron"

work=$(mktemp -d /tmp/patron-contract.XXXXXX)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

# Starts the server on DATABASE_URL, waits until it is ready and sets admin_key from its first output.
start_server() {
  local log="$work/server-$1.log"
  # Budgets large enough that the check exercises what is behind them, not only the 429s.
  "$patron" serve --port "$port" --database-url "$2" --log-level error --job-interval 0 --refit-interval 0 \
    --rate-limits sign_in=1000000,read=10000000,write=10000000 >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$log" >&2; echo "patron serve exited" >&2; exit 1; fi
    sleep 0.2
  done
  admin_key=$(grep -A 2 "shown only once" "$log" | sed -n 3p | tr -d '[:space:]')
  if [ -z "$admin_key" ]; then cat "$log" >&2; echo "no admin key was printed" >&2; exit 1; fi
}

run_schemathesis() {
  local engine=$1 started=$SECONDS
  echo "Contract check on $engine: schemathesis $schemathesis_version for at most ${seconds}s"
  # Run from the scratch directory: schemathesis keeps a cache in the working directory.
  (cd "$work" && PYTHONPATH="$hooks_dir" SCHEMATHESIS_HOOKS=contract_hooks "$schemathesis" --config-file "$config" run \
    "http://127.0.0.1:$port/openapi.json" --checks all --header "Authorization: Bearer $admin_key" \
    --max-time "$seconds" --seed "$seed" --workers 2 --no-color --generation-database none \
    --suppress-health-check all | tee "$work/$engine.log")
  echo "Contract check on $engine passed in $((SECONDS - started))s:" \
    "$(grep -E '^ +[0-9]+ generated' "$work/$engine.log" | head -n 1 | sed 's/^ *//')"
}

export PATRON_DATA_KEY
PATRON_DATA_KEY=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')

start_server sqlite "sqlite:$work/contract.sqlite"
run_schemathesis sqlite
stop_server

if [ -n "${PATRON_TEST_POSTGRES_URL:-}" ]; then
  database="patron_contract_$$"
  psql=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql
  "$psql" "$PATRON_TEST_POSTGRES_URL" -qc "CREATE DATABASE $database"
  start_server postgresql "${PATRON_TEST_POSTGRES_URL%/*}/$database"
  run_schemathesis postgresql
  stop_server
  "$psql" "$PATRON_TEST_POSTGRES_URL" -qc "DROP DATABASE $database"
else
  echo "PATRON_TEST_POSTGRES_URL is not set: the contract check ran on SQLite only"
fi
