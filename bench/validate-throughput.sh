#!/usr/bin/env bash
# Validation throughput and memory: `orderbatch validate` on generated Juspay CSVs.
# Usage: bench/validate-throughput.sh [ROWS...]   (default: 1000000 10000000)
#   BIN=path/to/orderbatch  validate with another build (e.g. an older commit's, for a
#                           side-by-side comparison); default: the release build below.
#   RUNS=N                  runs per file (default 3); the median wall time is reported.
# Needs: GNU time (/usr/bin/time). Builds the release binary into .build-release if missing.
# Generated files (bench/out/, ~1 GB for 10M rows) are gitignored; delete them when done.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build-release/release/orderbatch}
RUNS=${RUNS:-3}
[ -x "$BIN" ] || swift build -c release --scratch-path .build-release --product orderbatch >/dev/null
mkdir -p bench/out
ROWS=("$@")
[ $# -eq 0 ] && ROWS=(1000000 10000000)
for n in "${ROWS[@]}"; do
  csv=bench/out/juspay-$n.csv
  [ -f "$csv" ] || python3 bench/gen-juspay-csv.py "$n" > "$csv"
  cat > bench/out/bench-$n.yaml <<YAML
name: bench
provider: juspay
endpoint: emulator
merchant_id: bench
input: juspay-$n.csv
YAML
  echo "== $n rows ($(du -h "$csv" | cut -f1)), $BIN"
  times=()
  for _ in $(seq "$RUNS"); do
    out=$(/usr/bin/time -f "%e %M" "$BIN" validate bench/out/bench-$n.yaml 2>&1 >/dev/null | tail -1)
    read -r wall rss <<<"$out"
    times+=("$wall")
    echo "  $wall s wall, $((rss / 1024)) MB peak RSS"
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "  median $median s: $(awk -v n="$n" -v t="$median" 'BEGIN {printf "%.0f", n / t}') rows/s"
done
