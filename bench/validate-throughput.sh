#!/usr/bin/env bash
# Validation throughput and memory: `orderbatch validate` on generated Juspay CSVs.
# Usage: bench/validate-throughput.sh [ROWS...]   (default: 1000000 10000000)
# Needs: a release build (make release), GNU time (/usr/bin/time), hyperfine optional.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build-release/release/orderbatch
[ -x "$BIN" ] || swift build -c release --scratch-path .build-release >/dev/null
mkdir -p bench/out
ROWS=("${@:-1000000 10000000}")
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
  size=$(du -h "$csv" | cut -f1)
  echo "== $n rows ($size)"
  for run in 1 2 3; do
    /usr/bin/time -f "%e s wall, %M KB peak RSS" "$BIN" validate bench/out/bench-$n.yaml 2>&1 | tail -2
  done
done
