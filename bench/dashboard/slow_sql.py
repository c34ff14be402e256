"""The slowest SQL statements in a slice of a PostgreSQL server log, for bench/dashboard/pages.sh.

Reads the log from byte START to byte END, keeps the `duration: … ms` entries (log_min_duration_statement) of
the backends PIDS (the benchmarked server's connections: the log is shared with every database of the server),
groups them by statement text and step (`execute`; `bind` is planning, for the extended protocol's unnamed
statements) and prints the TOP groups by longest duration, with how many there were and their median.

Usage: python3 slow_sql.py LOG START END PIDS [TOP] [WIDTH]   (PIDS: comma-separated)
"""

import re
import statistics
import sys

ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (\w+):  (.*)$")
DURATION = re.compile(r"^duration: ([\d.]+) ms  (execute|bind|parse|statement)[^:]*: (.*)$", re.S)


def entries(text):
    """(pid, level, message) for each entry; continuation lines (multi-line SQL) join their entry."""
    current = None
    for line in text.split("\n"):
        match = ENTRY.match(line)
        if match:
            if current:
                yield current
            current = [match.group(1), match.group(2), match.group(3)]
        elif current is not None:
            current[2] += "\n" + line
    if current:
        yield current


def main():
    path, start, end, pids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), set(sys.argv[4].split(","))
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    width = int(sys.argv[6]) if len(sys.argv) > 6 else 160
    with open(path, "rb") as log:
        log.seek(start)
        text = log.read(max(0, end - start)).decode("utf-8", "replace")
    groups = {}
    for pid, level, message in entries(text):
        if pid not in pids or level != "LOG":
            continue
        match = DURATION.match(message)
        if not match:
            continue
        step = "execute" if match.group(2) == "statement" else match.group(2)
        statement = " ".join(match.group(3).split())
        groups.setdefault((step, statement), []).append(float(match.group(1)))
    if not groups:
        print("      (no statement took 100 ms or more)")
        return
    ranked = sorted(groups.items(), key=lambda item: -max(item[1]))
    for (step, statement), durations in ranked[:top]:
        shown = statement if len(statement) <= width else statement[: width - 1] + "…"
        print(
            f"      {len(durations):3d}× {step:7} median {statistics.median(durations):8.0f} ms, "
            f"max {max(durations):8.0f} ms: {shown}"
        )


if __name__ == "__main__":
    main()
