#!/usr/bin/env bash
# Body-cap benchmark: peak RSS of `orderbatch run` at concurrency 256 when every provider answer is
# padded far past the 1 MiB response cap (issue #8 item 7: 24 MB answers at concurrency 16 used to
# reach 472 MB). The emulator is a separate process (`orderbatch emulator --pad-mb N`), so the run's
# peak RSS is the client's alone; `/usr/bin/time -v` measures it.
#
# Every update is applied and answered with an N MiB body the client must not read: each row ends
# `unknown` (response_too_large) and the run exits 3 ("resume reconciles them"). max_attempts is 1,
# so no row is reconciled here and the benchmark measures the transport alone.
#
# ROWS defaults to CONCURRENCY: every row is in flight at once, the worst case for memory. With more
# rows than that, the current executor claims the rows it has just ended `unknown` again in the same
# run and re-reads them without end (issue #8 item 2, the reconcile storm); raise ROWS once that is fixed.
#
# Usage: bench/body-cap.sh [ROWS] [PAD_MB]          (defaults $CONCURRENCY and 24)
# Environment:
#   BIN           the binary (default .build-drill/release/orderbatch, built when missing)
#   CONCURRENCY   the job's concurrency (default 256)
#   CHUNKED=1     padded answers without Content-Length (the client counts bytes; the worst case)
#   LIMIT_MB      PASS when peak RSS stays under this (default 100)
# Prints the run's summary line, the client's and the emulator's peak RSS, and PASS or FAIL.
# Exit status: 0 PASS; 1 FAIL; 64 bad arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${CONCURRENCY:-256}
ROWS=${1:-$CONCURRENCY}
PAD_MB=${2:-24}
LIMIT_MB=${LIMIT_MB:-100}
BIN=${BIN:-.build-drill/release/orderbatch}
[[ $ROWS =~ ^[0-9]+$ && $PAD_MB =~ ^[0-9]+$ && $ROWS -gt 0 ]] || { echo "usage: $0 [ROWS] [PAD_MB]" >&2; exit 64; }

if [ ! -x /usr/bin/time ]; then
  echo "body-cap: installing the Debian package time for /usr/bin/time" >&2
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2
fi
if [ ! -x "$BIN" ]; then
  echo "body-cap: building $BIN (several minutes the first time)" >&2
  swift build -c release --scratch-path .build-drill --product orderbatch >&2
fi

WORK=$(mktemp -d -t body-cap.XXXXXX)
EMULATOR_PID=
cleanup() {
  if [ -n "$EMULATOR_PID" ]; then kill "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PAD_ARGS=(--pad-mb "$PAD_MB")
[ "${CHUNKED:-0}" = 1 ] && PAD_ARGS+=(--pad-chunked)
"$BIN" emulator --port 0 --rate-limits off "${PAD_ARGS[@]}" >"$WORK/emulator.out" 2>"$WORK/emulator.err" &
EMULATOR_PID=$!
for _ in $(seq 300); do grep -q 'listening on' "$WORK/emulator.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^emulator listening on \(http:[^ ]*\) .*/\1/p' "$WORK/emulator.out")
[ -n "$URL" ] || { echo "body-cap: the emulator did not start: $(cat "$WORK/emulator.err")" >&2; exit 1; }

{
  echo "order_id,routing_id,amount,udf1"
  for i in $(seq 1 "$ROWS"); do printf 'CAP%07d,cust%d,%d.50,bench\n' "$i" "$i" "$i"; done
} >"$WORK/in.csv"
cat >"$WORK/job.yaml" <<JOB
name: body-cap
provider: juspay
endpoint: $URL
merchant_id: demo_merchant
state: $WORK/state.sqlite
input: $WORK/in.csv
concurrency: $CONCURRENCY
preflight: false
timeouts:
  request: 30s
  item: 600s
retry:
  max_attempts: 1
breaker:
  consecutive_failures: 100000
JOB

set +e
JUSPAY_API_KEY=jp_demo_key /usr/bin/time -v -o "$WORK/time.txt" "$BIN" run "$WORK/job.yaml" --run-id bench \
  >"$WORK/run.out" 2>"$WORK/run.err"
STATUS=$?
set -e
PEAK_KB=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
ELAPSED=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt")
EMULATOR_KB=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$EMULATOR_PID/status" 2>/dev/null || echo "?")
STATS=$(curl -s "$URL/__emulator/stats")

echo "body-cap: $ROWS rows, concurrency $CONCURRENCY, answers padded to $PAD_MB MiB$([ "${CHUNKED:-0}" = 1 ] && echo ' (chunked)'), $BIN"
grep -E '^(run|  )' "$WORK/run.out" | head -4 || true
echo "run exit status: $STATUS (3 expected: every row unknown), wall clock $ELAPSED"
echo "emulator: $(echo "$STATS" | grep -o '"appliedTotal":[0-9]*'), $(echo "$STATS" | grep -o '"paddedAnswers":[0-9]*'), $(echo "$STATS" | grep -o '"paddingBytesSent":[0-9]*')"
echo "peak RSS: orderbatch run $((PEAK_KB / 1024)) MiB; emulator ${EMULATOR_KB:+$((EMULATOR_KB / 1024)) MiB}"
if [ "$STATUS" = 3 ] && [ "$PEAK_KB" -lt $((LIMIT_MB * 1024)) ]; then
  echo "PASS body-cap: peak RSS $((PEAK_KB / 1024)) MiB < $LIMIT_MB MiB"
else
  echo "FAIL body-cap: exit $STATUS, peak RSS $((PEAK_KB / 1024)) MiB (limit $LIMIT_MB MiB); stderr: $(tail -3 "$WORK/run.err")"
  exit 1
fi
