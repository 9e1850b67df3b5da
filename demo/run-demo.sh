#!/usr/bin/env bash
# The orderbatch demo: validate the sample jobs, show what bad input looks like, run both
# providers' jobs against the built-in emulator, interrupt a run and resume it, and read the
# outcome back. Needs no network and no credentials (the emulator's demo values are used).
#
# Usage: demo/run-demo.sh [BINARY]     (default .build/debug/orderbatch; `make demo` builds it)
# Each step checks the exit code it documents; the script exits 1 if one differs.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/orderbatch}
[ -x "$BIN" ] || { echo "demo: $BIN not found; run \`make demo\` (it builds first)" >&2; exit 1; }
# A fresh state directory per demo run, so the demo can be repeated (a second run of the same
# job on the same input would otherwise be refused: that is the cron double-fire guard).
STATE=$(mktemp -d "${TMPDIR:-/tmp}/orderbatch-demo.XXXXXX")
trap 'rm -rf "$STATE"' EXIT
failures=0

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# expect CODE CMD...: runs CMD, shows it, and checks its exit code.
expect() {
  local want=$1; shift
  printf '$ orderbatch %s\n' "${*:2}"
  "$@"; local got=$?
  if [ "$got" -eq "$want" ]; then printf '\033[2m(exit %d, as documented)\033[0m\n' "$got"
  else printf '\033[31mdemo: expected exit %d, got %d\033[0m\n' "$want" "$got"; failures=$((failures + 1)); fi
}

step "1. Validate the sample jobs (no network): every row is checked against the provider's rules"
expect 0 "$BIN" validate jobs/juspay-reprice.yaml
expect 0 "$BIN" validate jobs/rapyd-metadata.yaml

step "2. A file with mistakes is refused whole, each error as FILE:LINE: column: message"
expect 2 "$BIN" validate jobs/juspay-reprice.yaml --input samples/juspay-mistakes.csv

step "3. Run the Juspay repricing job against the built-in emulator"
expect 0 "$BIN" run jobs/juspay-reprice.yaml --db "$STATE/juspay.sqlite" --metrics "$STATE/juspay.prom"
echo "--- Prometheus metrics written for a node_exporter textfile collector (first lines):"
grep -v '^#' "$STATE/juspay.prom" | head -6

step "4. The same input again: refused, so a cron line that fires twice does not reprice twice"
expect 0 "$BIN" run jobs/juspay-reprice.yaml --db "$STATE/juspay.sqlite"

step "5. Rapyd: metadata and status updates, signed requests, paced under 200/min and 1000/5 min"
echo "(each row is a status read (preflight) and an update: 2 requests, so about 1.6 rows/s; ~25 s)"
expect 0 "$BIN" run jobs/rapyd-metadata.yaml --db "$STATE/rapyd.sqlite"

step "6. A flaky provider (Juspay latency, 1 request in 5 fails with 503): retries apply every row"
expect 0 "$BIN" run jobs/juspay-rehearsal.yaml --db "$STATE/rehearsal.sqlite" --run-id rehearsal-1

step "7. Interrupt a run with SIGTERM: in-flight requests finish, the run stops resumable (exit 3)"
printf "$ orderbatch run jobs/juspay-rehearsal.yaml --run-id night-1 &   (SIGTERM after 2 s)\n"
"$BIN" run jobs/juspay-rehearsal.yaml --db "$STATE/night.sqlite" --run-id night-1 2>"$STATE/night.log" &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid"; got=$?
# Off a terminal every line is stamped with the UTC time and the run id (as cron would log it).
grep -Ev '^[^ ]+ [^ ]+ progress ' "$STATE/night.log"
if [ "$got" -eq 3 ]; then printf '\033[2m(exit 3, as documented)\033[0m\n'
else printf '\033[31mdemo: expected exit 3, got %d\033[0m\n' "$got"; failures=$((failures + 1)); fi
expect 0 "$BIN" status night-1 --db "$STATE/night.sqlite" --figures

step "8. Resume it (the input file is no longer needed: every row is in SQLite)"
expect 0 "$BIN" resume night-1 --db "$STATE/night.sqlite"

step "9. Recent runs, and every row's fate as CSV (input columns + outcome columns)"
expect 0 "$BIN" status --db "$STATE/night.sqlite"
"$BIN" report night-1 --db "$STATE/night.sqlite" --state all | head -4

step "10. Every request of one order, in time order (the attempts log; all orders without --order)"
expect 0 "$BIN" log night-1 --db "$STATE/night.sqlite" --order ORD000007

step "11. The run as one HTML page with charts (no network needed to open it)"
mkdir -p .build/demo
REPORT=$(pwd)/.build/demo/night-1.html
expect 0 "$BIN" report night-1 --db "$STATE/night.sqlite" --format html --output "$REPORT"
echo "HTML report: $REPORT   (open it in a browser: file://$REPORT)"

echo
if [ "$failures" -eq 0 ]; then
  echo "demo: every step exited as documented"
else
  echo "demo: $failures step(s) did not exit as documented" >&2
  exit 1
fi
