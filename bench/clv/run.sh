#!/usr/bin/env bash
# CLV benchmark: fits BG/NBD + Gamma-Gamma on synthetic customers drawn from the model (seeded; times are exact
# instants, so nearly every customer's history is distinct; --whole-days records them in days), once with the
# release `patron analytics clv` and once with the Python lifetimes library on the same CSV, in the same run, and
# prints both times, the ratio, the largest relative parameter difference and the log-likelihoods.
# Usage: bench/clv/run.sh [CUSTOMERS] [SEED] [--whole-days]     (defaults: 1000000 customers, seed 20050101)
# Environment: PATRON_BIN=path/to/patron skips the build; PATRON_RUNS, LIFETIMES_RUNS set the repetitions.
# Python and lifetimes live in the virtualenv bench/.venv, created on first use from bench/clv/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
customers=${1:-1000000}
seed=${2:-20050101}
times=${3:-}

venv=bench/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/clv/requirements.txt

if [ -z "${PATRON_BIN:-}" ]; then
  swift build -c release --product patron >/dev/null
  PATRON_BIN="$(swift build -c release --show-bin-path)/patron"
fi

work=$(mktemp -d /tmp/patron-clv-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" bench/clv/generate.py "$work/summary.csv" --customers "$customers" --seed "$seed" $times
"$venv/bin/python" bench/clv/compare.py --patron "$PATRON_BIN" --summary "$work/summary.csv" \
  --patron-runs "${PATRON_RUNS:-5}" --lifetimes-runs "${LIFETIMES_RUNS:-3}"
