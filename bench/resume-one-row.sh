#!/usr/bin/env bash
# Issue #12: "a resume with one row left stays under 1 s", on a 1,000,000-row Juspay run in SQLite.
#
# The state: `run` of 1M rows (preflight off, concurrency 64) against `orderbatch emulator --revoke-after
# 999999`, which applies exactly 999,999 updates and then refuses the key: the run stops (exit 3) with one
# row left. That database is kept as the master copy.
#
# Each round, for each binary (BASELINE_BIN first, then BIN, interleaved), on a fresh copy of the master:
#   1. with the key revoked, `resume` once (it checks the file, sends the row, is refused, stops: exit 3):
#      this is the process that last closed the file, as after a night's run that stopped;
#   2. with the key restored, the timed `resume`, which sends the one row and finishes (exit 0).
# A copy has a new change time, so step 1 is what a stopped run leaves behind, for both binaries.
#
# Usage: bench/resume-one-row.sh [ROUNDS]   (default 3)
# Environment: BIN (default .build-release/release/orderbatch), BASELINE_BIN (required: the build to compare
# with), ROWS (default 1000000), PORT (default 18187).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
ROWS=${ROWS:-1000000}
PORT=${PORT:-18187}
# The emulator accepts the demo keys.
export JUSPAY_API_KEY=jp_demo_key
BIN=$(realpath "${BIN:-.build-release/release/orderbatch}")
BASELINE_BIN=$(realpath "${BASELINE_BIN:?set BASELINE_BIN to the orderbatch build to compare with}")
out=$(realpath -m bench/out/resume-one-row)
mkdir -p "$out"
csv=$out/juspay-$ROWS.csv
[ -f "$csv" ] || python3 bench/gen-juspay-csv.py "$ROWS" > "$csv"

emulator_pid=
start_emulator() {
  [ -z "$emulator_pid" ] || { kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true; }
  "$BIN" emulator --port "$PORT" "$@" > "$out/emulator.log" 2>&1 &
  emulator_pid=$!
  for _ in $(seq 100); do grep -q listening "$out/emulator.log" && return; sleep 0.1; done
  echo "emulator did not start" >&2; exit 1
}
trap '[ -z "$emulator_pid" ] || kill "$emulator_pid" 2>/dev/null' EXIT
# Rows not succeeded, from BIN's `status --json` on DB (the schema is the store's business; a newer build
# may migrate the file, so the master is only read by the baseline).
left() {
  "$1" status big --db "$2" --json | python3 -c 'import json,sys; c=json.load(sys.stdin)["counts"]; print(c["total"]-c["succeeded"])'
}
credentials() { curl -fsS -X POST "http://127.0.0.1:$PORT/__emulator/credentials/$1" > /dev/null; }

master=$out/master.sqlite
if [ ! -f "$master" ]; then
  cat > "$out/job.yaml" <<YAML
name: resume-one-row
provider: juspay
endpoint: http://127.0.0.1:$PORT
merchant_id: bench
input: $csv
state: $master
concurrency: 64
preflight: false
timeouts:
  request: 20s          # the emulator shares 2 cores with the client: no timeouts, no breaker
YAML
  start_emulator --revoke-after $((ROWS - 1))
  set +e
  "$BASELINE_BIN" run "$out/job.yaml" --run-id big --quiet > /dev/null 2> "$out/master-run.log"
  status=$?
  set -e
  [ "$status" = 3 ] || { echo "master run: expected exit 3, got $status" >&2; tail -5 "$out/master-run.log" >&2; exit 1; }
  rm -f "$master-checked"
fi
echo "master: $(du -m "$master" | cut -f1) MB, $(left "$BASELINE_BIN" "$master") row(s) left"
rm -f "$master-checked"
start_emulator

declare -A walls
for round in $(seq "$ROUNDS"); do
  for name in baseline new; do
    bin=$BASELINE_BIN; [ "$name" = new ] && bin=$BIN
    db=$out/work.sqlite
    rm -f "$db" "$db-wal" "$db-shm" "$db-checked"
    cp "$master" "$db"
    credentials revoke
    set +e
    "$bin" resume big --db "$db" --quiet > /dev/null 2> "$out/prime.log"
    status=$?
    set -e
    [ "$status" = 3 ] || { echo "priming resume: expected exit 3, got $status" >&2; cat "$out/prime.log" >&2; exit 1; }
    credentials restore
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$bin" resume big --db "$db" --quiet > /dev/null 2> "$out/resume.log" \
      || { echo "timed resume failed" >&2; cat "$out/resume.log" >&2; exit 1; }
    read -r wall rss < "$out/time.txt"
    left=$(left "$bin" "$db")
    [ "$left" = 0 ] || { echo "rows left after the timed resume: $left" >&2; exit 1; }
    echo "round $round $name: resume ${wall} s, peak RSS $((rss / 1024)) MB"
    walls[$name]+="$wall "
  done
done
for name in baseline new; do
  median=$(printf '%s\n' ${walls[$name]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$name: median ${median} s over $ROUNDS rounds (${walls[$name]% })"
done
