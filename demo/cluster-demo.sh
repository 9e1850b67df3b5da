#!/usr/bin/env bash
# The cluster demo: one run recorded in PostgreSQL, worked on by three processes at once. It starts the
# emulator (Juspay latency model) and a throwaway PostgreSQL cluster (scripts/with-postgres.sh, unless
# ORDERBATCH_TEST_POSTGRES_URL names a server), then `run` (the first worker) and two `work`; it kills one
# worker with kill -9 mid-run, shows `status` listing the workers, and checks with the emulator's counters
# that every row was applied exactly once.
#
# Usage: demo/cluster-demo.sh [BINARY] [ROWS]     (defaults .build/debug/orderbatch and 3000; `make demo-cluster`)
# Exits 1 if a documented exit code differs or an order was not applied exactly once.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${ORDERBATCH_TEST_POSTGRES_URL:-}" ]; then exec ./scripts/with-postgres.sh "$0" "$@"; fi
BIN=$(cd "$(dirname "${1:-.build/debug/orderbatch}")" && pwd)/$(basename "${1:-.build/debug/orderbatch}")
ROWS=${2:-3000}
[ -x "$BIN" ] || { echo "demo: $BIN not found; run \`make demo-cluster\` (it builds first)" >&2; exit 1; }
DB="$ORDERBATCH_TEST_POSTGRES_URL"
sep='?'; [[ $DB == *\?* ]] && sep='&'
DB="$DB${sep}options=-csearch_path%3Ddemo_cluster_$$"
W=$(mktemp -d "${TMPDIR:-/tmp}/orderbatch-cluster-demo.XXXXXX")
EMU=""; PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  [ -n "$EMU" ] && kill "$EMU" 2>/dev/null && wait "$EMU" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
failures=0
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
check() { # WANT GOT WHAT
  if [ "$2" -eq "$1" ]; then printf '\033[2m(%s: exit %d, as documented)\033[0m\n' "$3" "$2"
  else printf '\033[31mdemo: %s: expected exit %d, got %d\033[0m\n' "$3" "$1" "$2"; failures=$((failures + 1)); fi
}
export JUSPAY_API_KEY=jp_demo_key

step "1. The emulator (Juspay's latency model) and $ROWS rows to reprice; the state in PostgreSQL"
"$BIN" emulator --port 0 --latency juspay >"$W/emulator.out" 2>"$W/emulator.err" &
EMU=$!
for _ in $(seq 1 200); do grep -q '^emulator listening on ' "$W/emulator.out" && break; sleep 0.05; done
URL=$(sed -n 's/^emulator listening on \(http:\/\/[^ ]*\).*/\1/p' "$W/emulator.out" | head -1)
echo "emulator at $URL; state database $DB"
python3 - "$ROWS" >"$W/in.csv" <<'PY'
import sys
print("order_id,routing_id,amount")
for i in range(1, int(sys.argv[1]) + 1): print(f"CL{i:06d},cust{i},{i % 900 + 10}.50")
PY
cat >"$W/job.yaml" <<YAML
name: cluster-demo
provider: juspay
endpoint: $URL
merchant_id: demo_merchant
input: in.csv
state: "$DB"
concurrency: 8
lease_ttl: 3s
YAML
cat "$W/job.yaml"

step "2. Three workers: \`run\` records the run and works on it; two \`work\` join it (from any host)"
printf '$ orderbatch run job.yaml --run-id demo\n'
"$BIN" run "$W/job.yaml" --run-id demo >"$W/w1.out" 2>"$W/w1.err" & W1=$!; PIDS+=("$W1")
for _ in $(seq 1 300); do "$BIN" status demo --db "$DB" 2>/dev/null | grep -q '^state *running' && break; sleep 0.1; done
printf "$ orderbatch work demo --db '%s'   (twice)\n" "$DB"
"$BIN" work demo --db "$DB" >"$W/w2.out" 2>"$W/w2.err" & W2=$!; PIDS+=("$W2")
"$BIN" work demo --db "$DB" >"$W/w3.out" 2>"$W/w3.err" & W3=$!; PIDS+=("$W3")
sleep 2
printf '$ orderbatch status demo --db …\n'
"$BIN" status demo --db "$DB"

step "3. kill -9 the second worker (pid $W2) mid-run: its rows come back once its 3 s lease expires"
kill -9 "$W2"; wait "$W2" 2>/dev/null
sleep 1
"$BIN" status demo --db "$DB" | sed -n '/^state/p;/^rows/,$p'

step "4. The other two finish the run (the last row settled by either ends it)"
wait "$W1"; check 0 $? "run (worker 1)"
wait "$W3"; check 0 $? "work (worker 3)"
PIDS=()
tail -3 "$W/w1.out"
"$BIN" status demo --db "$DB" | sed -n '/^state/p;/^rows/,/unknown/p'

step "5. The emulator's counters: every order applied exactly once"
curl -s "$URL/__emulator/stats" | python3 -c '
import json, sys
rows = int(sys.argv[1]); a = json.load(sys.stdin).get("appliedByOrder", {})
twice = sum(1 for v in a.values() if v > 1)
print(f"orders applied: {len(a)} of {rows}; applied more than once: {twice}")
sys.exit(0 if len(a) == rows and twice == 0 else 1)' "$ROWS" || failures=$((failures + 1))
echo "rows reconciled (read back before any resend): $(psql "$DB" -Atc "SELECT count(DISTINCT seq) FROM attempts WHERE run_id = 'demo' AND phase = 'reconcile'")"

if [ "$failures" -gt 0 ]; then echo "demo-cluster: $failures check(s) failed" >&2; exit 1; fi
printf '\n\033[1mdemo-cluster: every check passed\033[0m\n'
