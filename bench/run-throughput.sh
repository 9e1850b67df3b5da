#!/usr/bin/env bash
# End-to-end run throughput and memory: `orderbatch run` on a generated Juspay CSV against the
# in-process emulator (client, emulator and SQLite share the machine's cores), release build.
# Reports, per setting: ingest (validate + SQLite) seconds, execution seconds, rows/s, peak RSS.
# Usage: bench/run-throughput.sh [ROWS] [CONCURRENCIES] [PREFLIGHT]   (default: 100000 "8 32" "true false")
# Environment: BIN (default .build-release/release/orderbatch), LATENCY (the in-process emulator's
# latency: none (default) or juspay, drawn from Juspay's published percentiles).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
CONCURRENCIES=${2:-8 32}
PREFLIGHTS=${3:-true false}
BIN=${BIN:-.build-release/release/orderbatch}
LATENCY=${LATENCY:-none}
[ -x "$BIN" ] || swift build -c release --scratch-path .build-release >/dev/null
mkdir -p bench/out
csv=bench/out/juspay-$ROWS.csv
[ -f "$csv" ] || python3 bench/gen-juspay-csv.py "$ROWS" > "$csv"
for preflight in $PREFLIGHTS; do
  for c in $CONCURRENCIES; do
    job=bench/out/run-$ROWS-c$c-$preflight.yaml
    cat > "$job" <<YAML
name: bench-run
provider: juspay
endpoint: emulator
merchant_id: bench
input: juspay-$ROWS.csv
concurrency: $c
preflight: $preflight
emulator:
  latency: $LATENCY
YAML
    db=$(mktemp -d)/state.sqlite
    out=$( { /usr/bin/time -f "TIME %e %M" "$BIN" run "$job" --db "$db" --json 2>&1 >&3 | grep '^TIME' ; } 3>&1 )
    json=$(echo "$out" | grep '^{')
    read -r _ wall rss <<<"$(echo "$out" | grep '^TIME')"
    exec_s=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["elapsed_seconds"])')
    ok=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["succeeded"])')
    python3 - "$ROWS" "$c" "$preflight" "$wall" "$exec_s" "$rss" "$ok" "$LATENCY" <<'PY'
import sys
rows, c, pf, wall, ex, rss, ok = sys.argv[1:8]
rows, wall, ex, rss, ok = int(rows), float(wall), float(ex), int(rss), int(ok)
print(f"rows {rows}  concurrency {c:>3}  preflight {pf:5}  latency {sys.argv[8]:6}  succeeded {ok}  total {wall:6.1f} s  "
      f"ingest {wall - ex:5.1f} s  execute {ex:6.1f} s  {ok / ex:7.0f} rows/s  peak RSS {rss / 1024:.0f} MB")
PY
    rm -rf "$(dirname "$db")"
  done
done
