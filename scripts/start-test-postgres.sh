#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the test suite and prints the URL to use as
# PATRON_TEST_POSTGRES_URL. Usage: scripts/start-test-postgres.sh [DIRECTORY] [PORT]
set -euo pipefail
dir=${1:-/tmp/patron-test-postgres}
port=${2:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2
  exit 1
fi
# PostgreSQL refuses to run as root; use the postgres system user then.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_owner=(runuser -u postgres --)
fi
if [ ! -f "$dir/PG_VERSION" ]; then
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  "${as_owner[@]}" "$bin/initdb" -D "$dir" -U patron --auth=trust >/dev/null
fi
# The suite runs many tests at once, each on its own database with its own pool, and some start several
# `patron serve` processes: 300 connections were not always enough.
if ! "${as_owner[@]}" "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=1000 -c fsync=on" \
    start >/dev/null
fi
echo "postgres://patron@127.0.0.1:$port/postgres"
