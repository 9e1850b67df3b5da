#!/usr/bin/env bash
# State database bytes per row (issue #12), two release binaries side by side in one script run: BASELINE_BIN
# (main at this branch's point, built in its own scratch path) and BIN (this tree). Each runs the same
# generated Juspay CSV (bench/gen-juspay-csv.py) with `preflight: false` at concurrency 64 against the
# in-process emulator (latency none), on a fresh state file, RUNS times, alternating. Reports per binary the
# medians of: the state file's bytes per row after the run (main file plus any WAL left), after `VACUUM`
# (`VACUUM INTO` a copy), wall, user + sys CPU and peak RSS; then, for each binary's last run, the bytes per
# row of every table and index (SQLite's `dbstat` virtual table over the vacuumed copy, as `sqlite3_analyzer`
# counts them: whole pages); and how long this binary takes to open (migrate) the baseline's last file.
#
# Usage: bench/state-size.sh [ROWS] [RUNS]          (default 1000000 3)
# Environment: BIN (default .build-release/release/orderbatch, built when missing); BASELINE_BIN (default:
#   built from BASE, default `git merge-base HEAD main`, in bench/out/baseline-<commit>/.build-release; once
#   main is merged into the branch, that is main itself: give BASE, the commit the branch started from).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
RUNS=${2:-3}
BIN=${BIN:-.build-release/release/orderbatch}
[ -x "$BIN" ] || swift build -c release --scratch-path .build-release --product orderbatch >/dev/null
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
if [ -z "${BASELINE_BIN:-}" ]; then
  BASE=$(git rev-parse --short "${BASE:-$(git merge-base HEAD main)}")
  src=bench/out/baseline-$BASE
  if [ ! -x "$src/.build-release/release/orderbatch" ]; then
    mkdir -p "$src"
    git archive "$BASE" | tar -x -C "$src"
    (cd "$src" && swift build -c release --scratch-path .build-release --product orderbatch >/dev/null)
  fi
  BASELINE_BIN=$(pwd)/$src/.build-release/release/orderbatch
fi
export JUSPAY_API_KEY=jp_demo_key
mkdir -p bench/out
csv=bench/out/juspay-$ROWS.csv
[ -f "$csv" ] || python3 bench/gen-juspay-csv.py "$ROWS" >"$csv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/state-size.yaml" <<YAML
name: state-size
provider: juspay
endpoint: emulator
merchant_id: bench
input: $(pwd)/$csv
concurrency: 64
preflight: false
emulator:
  latency: none
YAML

measure() {  # measure NAME BINARY ROUND → one line of figures in $work/NAME.runs; dbstat of the last in $work/NAME.tables
  local name=$1 bin=$2 dir="$work/$1-$3"
  mkdir -p "$dir"
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$bin" run "$work/state-size.yaml" --db "$dir/state.sqlite" --json \
    >"$dir/out.json" 2>"$dir/err" || { echo "$name run failed:" >&2; tail -5 "$dir/err" >&2; exit 1; }
  python3 - "$dir" "$ROWS" "$work/$name.tables" >>"$work/$name.runs" <<'PY'
import json, os, sqlite3, sys
d, rows, tables = sys.argv[1], int(sys.argv[2]), sys.argv[3]
succeeded = json.load(open(f"{d}/out.json"))["counts"]["succeeded"]
if succeeded != rows:
    sys.exit(f"{d}: {succeeded} of {rows} rows succeeded")
size = sum(os.path.getsize(f"{d}/state.sqlite{s}") for s in ("", "-wal") if os.path.exists(f"{d}/state.sqlite{s}"))
db = sqlite3.connect(f"{d}/state.sqlite")
db.execute(f"VACUUM INTO '{d}/vacuumed.sqlite'")
db.close()
vacuumed = os.path.getsize(f"{d}/vacuumed.sqlite")
v = sqlite3.connect(f"{d}/vacuumed.sqlite")
with open(tables, "w") as out:
    for name, pages, used in v.execute(
            "SELECT name, sum(pgsize), sum(payload) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC"):
        out.write(f"{name} {pages} {used}\n")
wall, user, sys_, rss = open(f"{d}/time").read().split()
print(size / rows, vacuumed / rows, float(wall), float(user) + float(sys_), int(rss))
PY
  if [ "$name" = baseline ] && [ "$3" = "$RUNS" ]; then mv "$dir/state.sqlite" "$work/baseline-last.sqlite"; fi
  rm -rf "$dir"
}

echo "state-size: $ROWS rows, $RUNS runs each, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "baseline $BASELINE_BIN"
echo "this     $BIN"
for round in $(seq 1 "$RUNS"); do
  measure baseline "$BASELINE_BIN" "$round"
  measure this "$BIN" "$round"
done
# This binary opens the baseline's last file (a `status` migrates it to this binary's schema version).
/usr/bin/time -f "%e %M" -o "$work/upgrade.time" "$BIN" status --db "$work/baseline-last.sqlite" >/dev/null
upgraded=$(python3 -c 'import os,sys; print(os.path.getsize(sys.argv[1]))' "$work/baseline-last.sqlite")
read -r upgrade_s upgrade_kb <"$work/upgrade.time"
python3 - "$work" "$ROWS" "$upgrade_s" "$upgrade_kb" "$upgraded" <<'PY'
import statistics, sys
work, rows = sys.argv[1], int(sys.argv[2])
def runs(name):
    return [list(map(float, line.split())) for line in open(f"{work}/{name}.runs")]
def med(name, i):
    return statistics.median(r[i] for r in runs(name))
print(f"\n{'medians':28} {'baseline':>12} {'this':>12}")
for i, label, fmt in [(0, "bytes/row after the run", "{:.1f}"), (1, "bytes/row after VACUUM", "{:.1f}"),
                      (2, "wall s", "{:.1f}"), (3, "CPU s (user + sys)", "{:.1f}"), (4, "peak RSS MB", "{:.0f}")]:
    b, t = med("baseline", i), med("this", i)
    if i == 4:
        b, t = b / 1024, t / 1024
    print(f"{label:28} {fmt.format(b):>12} {fmt.format(t):>12}")
print(f"\nthe baseline's last file opened by this binary (migrated): {float(sys.argv[3]):.1f} s, "
      f"peak RSS {int(sys.argv[4]) / 1024:.0f} MB, {int(sys.argv[5]) / rows:.1f} bytes/row after (rows written "
      f"before keep their texts whole; the file keeps its free pages until VACUUM)")
for name in ("baseline", "this"):
    print(f"\n{name}: dbstat of the vacuumed file, bytes per row (whole pages; payload bytes in brackets)")
    for line in open(f"{work}/{name}.tables"):
        table, pages, used = line.split()
        print(f"  {table:28} {int(pages) / rows:8.1f}  ({int(used) / rows:.1f})")
PY
