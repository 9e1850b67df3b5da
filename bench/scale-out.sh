#!/usr/bin/env bash
# Scale-out measurements (issue #10), against `orderbatch emulator` on loopback and a throwaway PostgreSQL
# cluster (scripts/with-postgres.sh; this script wraps itself in it when no server is given).
#
#   bench/scale-out.sh store   [ROWS] [RUNS]            one worker, SQLite vs PostgreSQL, concurrency 64,
#                                                      emulator --latency none: rows/s over execution; with
#                                                      BASELINE_BIN set, that binary too, in the same rounds
#   bench/scale-out.sh workers [ROWS_PER_WORKER] [RUNS] [WORKERS] [RATE]
#                                                      1, 2, 4 workers (`run` + `work`s) on one PostgreSQL run,
#                                                      emulator --latency juspay, concurrency 8 each, RATE the
#                                                      job's rate_limit (default none): rows/s
#   bench/scale-out.sh limit   [ROWS] [WORKERS] [RATE]  a shared limit (default 600/1m) over 4 workers: the
#                                                      emulator's most requests in any rolling 60 s
#
# Environment: BIN (default .build-release/release/orderbatch), ORDERBATCH_TEST_POSTGRES_URL (a server where
# the user may create schemas; each run gets a schema of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${ORDERBATCH_TEST_POSTGRES_URL:-}" ]; then exec scripts/with-postgres.sh "$0" "$@"; fi
MODE=${1:-store}
BIN=${BIN:-.build-release/release/orderbatch}
[ -x "$BIN" ] || swift build -c release --scratch-path .build-release --product orderbatch >/dev/null
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
export JUSPAY_API_KEY=jp_demo_key
mkdir -p bench/out
work=$(mktemp -d)
emulator_pid=""
cleanup() { [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_emulator() {  # start_emulator ARGS… → sets EMULATOR (base URL) and emulator_pid
  [ -n "$emulator_pid" ] && { kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true; }
  "$BIN" emulator --port 0 "$@" >"$work/emulator.out" 2>"$work/emulator.err" &
  emulator_pid=$!
  for _ in $(seq 1 200); do grep -q listening "$work/emulator.out" 2>/dev/null && break; sleep 0.05; done
  EMULATOR=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/emulator.out")
  [ -n "$EMULATOR" ] || { cat "$work/emulator.err" >&2; exit 1; }
}

csv() {  # csv ROWS → path of a Juspay CSV with ROWS unique orders
  local f=bench/out/juspay-$1.csv
  [ -f "$f" ] || python3 bench/gen-juspay-csv.py "$1" >"$f"
  echo "$(pwd)/$f"
}

job() {  # job NAME ROWS CONCURRENCY RATE → job file path
  local f="$work/$1.yaml"
  cat >"$f" <<YAML
name: $1
provider: juspay
endpoint: $EMULATOR
merchant_id: bench
input: $(csv "$2")
concurrency: $3
preflight: false
rate_limit: $4
lease_ttl: 30s
YAML
  echo "$f"
}

pg_url() {  # a fresh schema on the server
  local schema="bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "$ORDERBATCH_TEST_POSTGRES_URL?options=-csearch_path%3D$schema"
}
pg() {  # pg URL SQL → one value
  local schema="${1##*%3D}"
  PGOPTIONS="-csearch_path=$schema" psql -X -q -tA -c "$2"
}

median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

machine() {
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPUs $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(git rev-parse --short HEAD), $BIN"
}

case "$MODE" in
store)
  ROWS=${2:-20000}
  RUNS=${3:-3}
  machine
  start_emulator --rate-limits off --latency none
  j=$(job store-bench "$ROWS" 64 none)
  declare -A bins=([this]="$BIN") results=()
  labels=(this)
  if [ -n "${BASELINE_BIN:-}" ]; then bins[baseline]=$BASELINE_BIN; labels=(baseline this); echo "# baseline $BASELINE_BIN"; fi
  for round in $(seq 1 "$RUNS"); do
    for label in "${labels[@]}"; do
      for store in sqlite postgres; do
        if [ "$store" = sqlite ]; then db="$work/r$round-$label.sqlite"; else db=$(pg_url); fi
        json=$("${bins[$label]}" run "$j" --db "$db" --json 2>/dev/null || true)
        rate=$(echo "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(round(d["counts"]["succeeded"]/d["elapsed_seconds"]))')
        ok=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["succeeded"])')
        echo "round $round  $label  $store  succeeded $ok  $rate rows/s"
        results[$label-$store]+=" $rate"
      done
    done
  done
  for label in "${labels[@]}"; do
    s=$(median ${results[$label-sqlite]}); p=$(median ${results[$label-postgres]})
    python3 -c "import sys; s,p=float(sys.argv[1]),float(sys.argv[2]); print(f'$label median rows/s: SQLite {s:.0f}, PostgreSQL {p:.0f}, ratio {p/s:.2f} (goal >= 0.5)')" "$s" "$p"
  done
  ;;
workers)
  PER=${2:-1500}
  RUNS=${3:-1}
  WORKERS=${4:-1 2 4}
  RATE=${5:-none}
  machine
  start_emulator --rate-limits off --latency juspay
  for round in $(seq 1 "$RUNS"); do
    for k in $WORKERS; do
      rows=$((PER * k))
      j=$(job "workers-$k" "$rows" 8 "$RATE")
      db=$(pg_url)
      run="w$k-r$round"
      "$BIN" run "$j" --db "$db" --run-id "$run" --json >"$work/$run.json" 2>"$work/$run.err" &
      pids=($!)
      until [ "$(pg "$db" "SELECT state FROM runs WHERE id = '$run'" 2>/dev/null)" = running ]; do sleep 0.02; done
      for _ in $(seq 2 "$k"); do
        "$BIN" work "$run" --db "$db" >/dev/null 2>>"$work/$run.err" &
        pids+=($!)
      done
      for p in "${pids[@]}"; do wait "$p" || true; done
      read -r state ok seconds <<<"$(pg "$db" "SELECT state, (SELECT count(*) FROM items WHERE run_id = '$run' AND state = 'succeeded'), extract(epoch FROM finished_at - started_at) FROM runs WHERE id = '$run'" | tr '|' ' ')"
      python3 -c "import sys; k,rows,ok,s=int(sys.argv[1]),int(sys.argv[2]),int(sys.argv[3]),float(sys.argv[4]); print(f'round $round  workers {k}  rows {rows}  succeeded {ok}  {s:.1f} s  {ok/s:.0f} rows/s  ({ok/s/k:.0f} per worker)  run $state')" "$k" "$rows" "$ok" "$seconds"
    done
  done
  ;;
limit)
  ROWS=${2:-1800}
  K=${3:-4}
  RATE=${4:-600/1m}
  machine
  start_emulator --rate-limits off --latency juspay
  j=$(job limit-bench "$ROWS" 8 "[$RATE]")
  db=$(pg_url)
  run=limit
  "$BIN" run "$j" --db "$db" --run-id "$run" --json >"$work/$run.json" 2>"$work/$run.err" &
  pids=($!)
  until [ "$(pg "$db" "SELECT state FROM runs WHERE id = '$run'" 2>/dev/null)" = running ]; do sleep 0.02; done
  for _ in $(seq 2 "$K"); do
    "$BIN" work "$run" --db "$db" >/dev/null 2>>"$work/$run.err" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  curl -s "$EMULATOR/__emulator/stats" >"$work/stats.json"
  read -r state ok seconds <<<"$(pg "$db" "SELECT state, (SELECT count(*) FROM items WHERE run_id = '$run' AND state = 'succeeded'), extract(epoch FROM finished_at - started_at) FROM runs WHERE id = '$run'" | tr '|' ' ')"
  python3 - "$work/stats.json" "$RATE" "$K" "$ok" "$seconds" "$state" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
rate, k, ok, seconds, state = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
limit = int(rate.split("/")[0])
most = stats["mostRequestsInAMinute"]
print(f"workers {k}  rate_limit [{rate}]  requests {stats['requests']}  succeeded {ok}  run {state}  {seconds:.0f} s "
      f"({ok / seconds * 60:.0f} per minute overall)")
print(f"most requests in any rolling 60 s: {most}  = {most / limit:.3f} x the limit (goal <= 1.01)  429s {stats['rateLimited']}")
PY
  ;;
*)
  echo "usage: bench/scale-out.sh store|workers|limit [...]" >&2
  exit 64
  ;;
esac
