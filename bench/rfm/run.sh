#!/usr/bin/env bash
# RFM benchmark: generates a seeded order history of 1,000,000 loyalty members (about 5 orders each) and times the
# release `patron analytics rfm` end to end, plus the time of each phase as the command reports it with --timings
# (read the CSV, per-member measures, RFM scoring and segments, write the CSV). Target: under 2 s for RFM.
# Usage: bench/rfm/run.sh [MEMBERS] [SEED]     (defaults: 1000000 members, seed 20240101)
# Environment: PATRON_BIN=path/to/patron skips the build; RUNS sets the repetitions (default 3).
# The generator needs NumPy from the virtualenv bench/.venv, created on first use from bench/clv/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
members=${1:-1000000}
seed=${2:-20240101}
runs=${RUNS:-3}
reference_date=2025-12-31

venv=bench/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/clv/requirements.txt

if [ -z "${PATRON_BIN:-}" ]; then
  swift build -c release --product patron >/dev/null
  PATRON_BIN="$(swift build -c release --show-bin-path)/patron"
fi

work=$(mktemp -d /tmp/patron-rfm-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" bench/rfm/generate.py "$work/orders.csv" --members "$members" --seed "$seed" \
  --reference-date "$reference_date"
echo "machine: $(uname -m), $(nproc) cores; input $(du -h "$work/orders.csv" | cut -f1)"

# One untimed run warms the page cache, then each timed run prints its phases.
"$PATRON_BIN" analytics rfm --transactions "$work/orders.csv" --reference-date "$reference_date" \
  --output "$work/rfm.csv" 2>/dev/null
for run in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  phases=$("$PATRON_BIN" analytics rfm --transactions "$work/orders.csv" --reference-date "$reference_date" \
    --output "$work/rfm.csv" --timings 2>&1 >/dev/null | grep '^timings:')
  end=$(date +%s%N)
  elapsed=$(((end - start) / 1000000))
  printf 'run %d: %d.%03d s end to end; %s\n' "$run" $((elapsed / 1000)) $((elapsed % 1000)) "$phases"
done
echo "members scored: $(($(wc -l <"$work/rfm.csv") - 1)); segments:"
tail -n +2 "$work/rfm.csv" | awk -F, '{print $NF}' | sort | uniq -c | sort -rn
