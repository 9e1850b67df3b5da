#!/usr/bin/env bash
# The HTML report, looked at the way a person would: renders the report of a demo run and of a ROWS-row run
# to PNG with headless Chromium, and measures the time and peak memory of building the big run's report.
#
# Usage: bench/html-report.sh [ROWS]      (default 1000000)
# Environment:
#   BIN       the orderbatch binary (default .build-release/release/orderbatch, built when missing)
#   OUT       where the runs, reports and PNGs go (default bench/out/html-report); the big run's database is
#             kept there and reused by the next call (building a 1M-row run takes minutes)
#   CHROMIUM  the browser (default chromium: Debian's `apt-get install chromium`)
#   REPEAT    how many times the big report is timed (default 3)
# Prints the paths of the PNGs and one line per timed build: wall and CPU seconds, peak RSS, and the load
# average before it (the machine is shared: wall time follows the load, CPU time much less).
# Exit: 0 done; 1 a step failed; 64 a missing tool (chromium, /usr/bin/time, python3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
BIN=${BIN:-.build-release/release/orderbatch}
OUT=${OUT:-bench/out/html-report}
CHROMIUM=${CHROMIUM:-chromium}
REPEAT=${REPEAT:-3}
for tool in "$CHROMIUM" /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "html-report: $tool not found (apt-get install chromium time python3)" >&2; exit 64; }
done
[ -x "$BIN" ] || swift build -c release --scratch-path .build-release >/dev/null
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export JUSPAY_API_KEY=${JUSPAY_API_KEY:-jp_demo_key}

# render HTML PNG: a 1000-pixel-wide page, tall enough for every section.
render() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,3300 \
    --screenshot="$2" "file://$1" >/dev/null 2>&1
  echo "html-report: $2"
}

# 1. The demo: the flaky-provider rehearsal (one request in five fails with 503), interrupted and resumed.
demo_db="$OUT/demo.sqlite"
rm -f "$demo_db" "$demo_db"-*
"$BIN" run jobs/juspay-rehearsal.yaml --db "$demo_db" --run-id demo-1 >/dev/null 2>&1 &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid" || true
"$BIN" resume demo-1 --db "$demo_db" >/dev/null 2>&1
"$BIN" report demo-1 --db "$demo_db" --format html --output "$OUT/demo.html"
render "$OUT/demo.html" "$OUT/demo.png"

# 2. The big run: ROWS Juspay rows with preflight, concurrency 64, against the built-in emulator failing one
#    request in a hundred with 503 (so the error and retry charts have something to show).
big_db="$OUT/big-$ROWS.sqlite"
if ! "$BIN" status big --db "$big_db" --json 2>/dev/null | grep -q '"state":"finished"'; then
  rm -f "$big_db" "$big_db"-*
  csv="$OUT/juspay-$ROWS.csv"
  [ -f "$csv" ] || python3 bench/gen-juspay-csv.py "$ROWS" > "$csv"
  cat > "$OUT/big.yaml" <<YAML
name: html-report-big
provider: juspay
endpoint: emulator
merchant_id: bench
input: juspay-$ROWS.csv
concurrency: 64
preflight: true
emulator:
  fail_rate: 0.01
  fail_with: "503"
  seed: 7
YAML
  echo "html-report: building a $ROWS-row run (minutes)…"
  /usr/bin/time -f "html-report: the run took %e s" "$BIN" run "$OUT/big.yaml" --db "$big_db" --run-id big \
    >/dev/null 2>"$OUT/big-run.log" || { tail -3 "$OUT/big-run.log" >&2; exit 1; }
  tail -1 "$OUT/big-run.log"
fi

# 3. The big run's report: timed REPEAT times (wall seconds, peak RSS), then rendered.
for _ in $(seq "$REPEAT"); do
  /usr/bin/time -f "html-report: report of $ROWS rows: %e s wall, %U s user, %S s sys, peak RSS %M KB; load $(cut -d' ' -f1 /proc/loadavg)" \
    "$BIN" report big --db "$big_db" --format html --output "$OUT/big.html"
done
echo "html-report: $(wc -c < "$OUT/big.html") bytes of HTML; $(du -h "$big_db" | cut -f1) database"
render "$OUT/big.html" "$OUT/big.png"
