#!/usr/bin/env bash
# Fetches axe-core (the accessibility rules the dashboard's browser test runs) from PyPI into DIR and prints the
# path of axe.min.js. axe-playwright-python carries axe-core 4.x; only its wheel is unpacked, nothing is installed.
# Usage: scripts/fetch-axe.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
# A virtual environment's pip: Debian's python3 has none of its own (python3-venv brings it).
[ -x "$dir/venv/bin/pip" ] || python3 -m venv "$dir/venv" >&2
"$dir/venv/bin/pip" download --quiet --no-deps --dest "$dir" "axe-playwright-python==0.1.8" >&2
python3 - "$dir" <<'PY'
import glob, sys, zipfile
directory = sys.argv[1]
wheel = sorted(glob.glob(directory + "/axe_playwright_python-*.whl"))[-1]
with zipfile.ZipFile(wheel) as archive:
    archive.extract("axe_playwright_python/axe.min.js", directory)
print(directory + "/axe_playwright_python/axe.min.js")
PY
