#!/usr/bin/env bash
# Cluster drill: WORKERS workers on one run of ROWS Rapyd rows recorded in PostgreSQL, against an external
# `orderbatch emulator` (its rate limits off). KILLS times, at a random moment, a random live worker is killed
# with `kill -9` and replaced by a new `orderbatch work`. Then the drill checks, with the emulator's counters
# and the state database, that every order was applied exactly once and sent under one idempotency key.
#
# Usage: bench/cluster-drill.sh [ROWS] [KILLS] [WORKERS]      (defaults 20000, 3 and 4)
# Environment:
#   BIN           the binary (default .build-drill/release/orderbatch, built when missing)
#   DB            a PostgreSQL URL (default: a throwaway cluster, started by scripts/with-postgres.sh)
#   SEED          seed of the kill moments and victims (default: from $RANDOM; printed, to replay a drill)
#   IDEMPOTENCY   the emulator's --idempotency (default off: only reconciliation prevents a double update)
#   LATENCY       the emulator's --latency, none or juspay (default juspay, so a kill finds rows in flight)
#   CONCURRENCY   each worker's concurrency (default 16)
#   LEASE_TTL     the job's lease_ttl (default 3s: a killed worker's rows come back 3 s after its last beat)
#   MIN_SLEEP_MS, MAX_SLEEP_MS   the pause before each kill (default 1000..4000 ms)
#   KEEP=1        keep the work directory even when the drill passes
# Exit status: 0 passed; 1 failed (work directory kept and named); 64 bad arguments; 69 no PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [[ -z ${DB:-} && -z ${ORDERBATCH_TEST_POSTGRES_URL:-} ]]; then
  exec "$ROOT/scripts/with-postgres.sh" "$0" "$@"
fi
DB=${DB:-$ORDERBATCH_TEST_POSTGRES_URL}

ROWS=${1:-20000}
KILLS=${2:-3}
WORKERS=${3:-4}
DEFAULT_BIN=.build-drill/release/orderbatch
BIN=${BIN:-$DEFAULT_BIN}
SEED=${SEED:-$RANDOM}
IDEMPOTENCY=${IDEMPOTENCY:-off}
LATENCY=${LATENCY:-juspay}
CONCURRENCY=${CONCURRENCY:-16}
LEASE_TTL=${LEASE_TTL:-3s}
MIN_SLEEP_MS=${MIN_SLEEP_MS:-1000}
MAX_SLEEP_MS=${MAX_SLEEP_MS:-4000}
KEEP=${KEEP:-0}

usage() { echo "usage: bench/cluster-drill.sh [ROWS] [KILLS] [WORKERS]   ($*)" >&2; exit 64; }
for v in ROWS KILLS WORKERS SEED CONCURRENCY MIN_SLEEP_MS MAX_SLEEP_MS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || usage "$v must be a whole number, got '${!v}'"
done
(( ROWS >= 1 && WORKERS >= 1 && MAX_SLEEP_MS >= MIN_SLEEP_MS )) || usage "ROWS, WORKERS >= 1; MAX_SLEEP_MS >= MIN_SLEEP_MS"
[[ $IDEMPOTENCY == on || $IDEMPOTENCY == off ]] || usage "IDEMPOTENCY must be on or off"
[[ $LATENCY == none || $LATENCY == juspay ]] || usage "LATENCY must be none or juspay"

if [[ ! -x $BIN ]]; then
  [[ $BIN == "$DEFAULT_BIN" ]] || { echo "cluster-drill: BIN=$BIN is not an executable" >&2; exit 64; }
  echo "cluster-drill: building $BIN (several minutes the first time)" >&2
  swift build -c release --scratch-path .build-drill --product orderbatch >&2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
export RAPYD_ACCESS_KEY=rak_demo_access RAPYD_SECRET_KEY=rsk_demo_secret

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cluster-drill.XXXXXX")
EMU_PID=""
declare -A PIDS=()     # pid -> worker name
declare -A KIND=()     # pid -> run|work
FAILED=0
cleanup() {
  local rc=$? pid
  for pid in "${!PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [[ -n $EMU_PID ]]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
  if [[ $rc -eq 0 && $KEEP != 1 ]]; then rm -rf "$WORK"; else echo "cluster-drill: work directory kept: $WORK" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
RANDOM=$SEED
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

# A schema of its own in the database, so drills never meet each other's runs.
SCHEMA="cluster_drill_$(date +%s)_$SEED"
sep='?'; [[ $DB == *\?* ]] && sep='&'
URL="$DB${sep}options=-csearch_path%3D$SCHEMA"

"$BIN" emulator --port 0 --rate-limits off --idempotency "$IDEMPOTENCY" --latency "$LATENCY" \
  >"$WORK/emulator.out" 2>"$WORK/emulator.err" &
EMU_PID=$!
for _ in $(seq 1 200); do grep -q '^emulator listening on ' "$WORK/emulator.out" && break; sleep 0.05; done
EMU_URL=$(sed -n 's/^emulator listening on \(http:\/\/[^ ]*\).*/\1/p' "$WORK/emulator.out" | head -1)
[[ -n $EMU_URL ]] || { cat "$WORK/emulator.err" >&2; echo "cluster-drill: the emulator did not start" >&2; exit 1; }

python3 - "$ROWS" "$WORK/input.jsonl" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(1, n + 1):
        f.write('{"order_id":"order_cl%07d","metadata":{"drill":%d,"batch":"cluster"}}\n' % (i, i))
PY
cat >"$WORK/job.yaml" <<YAML
name: cluster-drill
provider: rapyd
endpoint: $EMU_URL
input: input.jsonl
state: "$URL"
concurrency: $CONCURRENCY
rate_limit: none
lease_ttl: $LEASE_TTL
YAML

echo "== cluster drill: $ROWS Rapyd rows, $WORKERS workers, $KILLS kill -9s, emulator $EMU_URL (--idempotency $IDEMPOTENCY --rate-limits off --latency $LATENCY), seed $SEED =="
T0=$(now)
N=0
start_worker() { # run|work
  N=$((N + 1))
  if [[ $1 == run ]]; then
    "$BIN" run "$WORK/job.yaml" --run-id cd1 --json >"$WORK/w$N.out" 2>"$WORK/w$N.err" &
  else
    "$BIN" work cd1 --db "$URL" --json >"$WORK/w$N.out" 2>"$WORK/w$N.err" &
  fi
  PIDS[$!]=w$N
  KIND[$!]=$1
  echo "  $(since "$T0") s  start w$N ($1, pid $!)"
}
state() { "$BIN" status cd1 --db "$URL" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])' 2>/dev/null || echo none; }

start_worker run
for _ in $(seq 1 600); do [[ $(state) == running ]] && break; sleep 0.1; done
for _ in $(seq 2 "$WORKERS"); do start_worker work; done

for k in $(seq 1 "$KILLS"); do
  span=$((MAX_SLEEP_MS - MIN_SLEEP_MS + 1))
  ms=$((MIN_SLEEP_MS + (RANDOM * 32768 + RANDOM) % span))
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  live=()
  for pid in "${!PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && live+=("$pid"); done
  (( ${#live[@]} > 0 )) || { echo "  every worker had ended before kill $k"; break; }
  victim=${live[$((RANDOM % ${#live[@]}))]}
  kill -9 "$victim" 2>/dev/null || true
  wait "$victim" 2>/dev/null || true
  echo "  $(since "$T0") s  kill -9 ${PIDS[$victim]} (${KIND[$victim]}, pid $victim)"
  unset "PIDS[$victim]"
  start_worker work
done
if (( KILLS > 0 )); then
  echo "  status after the last kill:"
  "$BIN" status cd1 --db "$URL" | sed -n '/^state/p;/^workers/,/^next/p' | grep -v '^next' | sed 's/^/    /'
fi

exits=""
for pid in "${!PIDS[@]}"; do
  rc=0; wait "$pid" || rc=$?
  exits+="${PIDS[$pid]}=$rc "
  [[ $rc -eq 0 ]] || { echo "  ${PIDS[$pid]} exited $rc:"; tail -3 "$WORK/${PIDS[$pid]}.err" | sed 's/^/    /'; }
done
PIDS=()
ELAPSED=$(since "$T0")
FINAL=$(state)
"$BIN" status cd1 --db "$URL" --json >"$WORK/status.json"
curl -s "$EMU_URL/__emulator/stats" >"$WORK/stats.json"
KEYS=$(psql "$URL" -Atc "SELECT count(DISTINCT idempotency_key) || ' ' || count(*) FILTER (WHERE idempotency_key LIKE '%-g1') || ' ' || count(*) FROM items WHERE run_id = 'cd1'")
RESCUED=$(psql "$URL" -Atc "SELECT count(DISTINCT seq) FROM attempts WHERE run_id = 'cd1' AND phase = 'reconcile'")

python3 - "$ROWS" "$WORK/stats.json" "$WORK/status.json" "$KEYS" "$ELAPSED" "$FINAL" "$RESCUED" "$exits" <<'PY'
import json, sys
rows, stats, status = int(sys.argv[1]), json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
distinct, g1, items = (int(x) for x in sys.argv[4].split())
elapsed, final, reconciled, exits = float(sys.argv[5]), sys.argv[6], int(sys.argv[7]), sys.argv[8]
applied = stats.get("appliedByOrder", {})
twice = sum(1 for v in applied.values() if v > 1)
never = rows - len(applied)
c = status["counts"]
print(f"  worker exits: {exits.strip()}")
print(f"  run state {final}: {c['succeeded']} succeeded, {c['failed']} failed, {c['unknown']} unknown, {c['pending']} pending, {c['in_flight']} in flight")
print(f"  orders applied: {len(applied)} of {rows}; applied twice: {twice}; never applied: {never}")
print(f"  idempotency keys: {distinct} distinct for {items} rows, {g1} of generation 1; keys reused with another body: {stats.get('keysReusedWithDifferentBody', 0)}")
print(f"  rows reconciled (read back after a kill or a lost answer): {reconciled}; requests: {stats.get('requests', 0)}")
print(f"  elapsed {elapsed:.1f} s, {rows / elapsed:.0f} rows/s")
ok = (final == "finished" and twice == 0 and never == 0 and distinct == rows and g1 == rows
      and stats.get("keysReusedWithDifferentBody", 0) == 0 and c["succeeded"] == rows
      and all(part.endswith("=0") for part in exits.split()))
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
