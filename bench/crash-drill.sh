#!/usr/bin/env bash
# Crash drill: a run of ROWS rows against an external `orderbatch emulator`, killed with `kill -9` at
# random moments KILLS times, resumed each time, then resumed to completion. The emulator (a separate
# process, so it outlives every killed client) counts the updates it applied; the drill then checks
# that every order of the input was applied exactly once and that no idempotency key ever came with
# two different bodies.
#
# Scenarios, each against its own fresh emulator (--rate-limits off):
#   rapyd-idem-on   Rapyd, emulator idempotency on  (replays possible, reconciliation too)
#   rapyd-idem-off  Rapyd, emulator idempotency off (only reconciliation prevents double application)
#   juspay          Juspay (no idempotency key at all: reconciliation only)
#
# Usage: bench/crash-drill.sh [ROWS] [KILLS]        (defaults 20000 and 5)
# Environment:
#   BIN           the binary (default .build-drill/release/orderbatch, built when missing)
#   PORT          first emulator port (default 18190; scenario n uses PORT+n-1)
#   SEED          seed of the kill moments (default: from $RANDOM; printed, so a drill can be replayed)
#   SCENARIOS     default "rapyd-idem-on rapyd-idem-off juspay"
#   CONCURRENCY   the job's concurrency (default 32)
#   LATENCY       the emulator's --latency, none or juspay (default none)
#   MIN_SLEEP_MS, MAX_SLEEP_MS   how long a `resume` lives before its kill -9 (default 200..3000 ms)
#   RUN_MAX_SLEEP_MS   the same bound for a `run` (default 1000 ms: validation + ingest of 20,000 rows take
#                 about 0.4-0.7 s here, so a good share of these kills lands during ingest)
#   FINAL_TIMEOUT seconds allowed to the final invocation (default 900)
#   INGEST_KILL   what to do after a kill that landed during ingest (the run is left `ingesting`, or not
#                 recorded at all): `resume` (default) resumes it, which records the input again from the
#                 start (nothing was sent); `rerun` starts `run` again under a new run id, which closes the
#                 interrupted run as superseded (`failed_ingest`).
#   KEEP=1        keep the work directory even when every scenario passes
# Exit status: 0 every scenario passed; 1 a scenario failed; 64 bad arguments.
# Only the kill moments are seeded: where each kill lands (ingest, executing) still depends on timing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROWS=${1:-20000}
KILLS=${2:-5}
DEFAULT_BIN=.build-drill/release/orderbatch
BIN=${BIN:-$DEFAULT_BIN}
PORT=${PORT:-18190}
SEED=${SEED:-$RANDOM}
SCENARIOS=${SCENARIOS:-rapyd-idem-on rapyd-idem-off juspay}
CONCURRENCY=${CONCURRENCY:-32}
LATENCY=${LATENCY:-none}
MIN_SLEEP_MS=${MIN_SLEEP_MS:-200}
MAX_SLEEP_MS=${MAX_SLEEP_MS:-3000}
RUN_MAX_SLEEP_MS=${RUN_MAX_SLEEP_MS:-1000}
INGEST_KILL=${INGEST_KILL:-resume}
KEEP=${KEEP:-0}
FINAL_TIMEOUT=${FINAL_TIMEOUT:-900}

usage() { echo "usage: bench/crash-drill.sh [ROWS] [KILLS]   ($*)" >&2; exit 64; }
for v in ROWS KILLS PORT SEED CONCURRENCY MIN_SLEEP_MS MAX_SLEEP_MS RUN_MAX_SLEEP_MS FINAL_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || usage "$v must be a whole number, got '${!v}'"
done
(( ROWS >= 1 && MAX_SLEEP_MS >= MIN_SLEEP_MS && RUN_MAX_SLEEP_MS >= MIN_SLEEP_MS )) ||
  usage "ROWS >= 1, MAX_SLEEP_MS and RUN_MAX_SLEEP_MS >= MIN_SLEEP_MS"
[[ $INGEST_KILL == rerun || $INGEST_KILL == resume ]] || usage "INGEST_KILL must be rerun or resume"
[[ $LATENCY == none || $LATENCY == juspay ]] || usage "LATENCY must be none or juspay"
for s in $SCENARIOS; do
  case $s in rapyd-idem-on|rapyd-idem-off|juspay) ;; *) usage "unknown scenario $s" ;; esac
done

if [[ ! -x $BIN ]]; then
  [[ $BIN == "$DEFAULT_BIN" ]] || { echo "crash-drill: BIN=$BIN is not an executable" >&2; exit 64; }
  echo "crash-drill: building $BIN (several minutes the first time)" >&2
  swift build -c release --scratch-path .build-drill --product orderbatch >&2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# The emulator accepts these demo credentials (README, "Credentials"); the client reads the same names.
export JUSPAY_API_KEY=jp_demo_key RAPYD_ACCESS_KEY=rak_demo_access RAPYD_SECRET_KEY=rsk_demo_secret
unset JUSPAY_MERCHANT_ID

WORK=$(mktemp -d "${TMPDIR:-/tmp}/crash-drill.XXXXXX")
EMU_PID=""
CLIENT_PID=""
FAILED=0
cleanup() {
  local rc=$?
  [[ -n $CLIENT_PID ]] && kill -9 "$CLIENT_PID" 2>/dev/null || true
  if [[ -n $EMU_PID ]]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
  if [[ $rc -eq 0 && $KEEP != 1 ]]; then rm -rf "$WORK"; else echo "crash-drill: work directory kept: $WORK" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
# A draw in [MIN_SLEEP_MS, MAX_SLEEP_MS] from bash's seeded generator (in this shell, not a subshell).
draw_ms() { # MAX_MS
  local span=$(($1 - MIN_SLEEP_MS + 1))
  DRAW_MS=$(( MIN_SLEEP_MS + (RANDOM * 32768 + RANDOM) % span ))
}
ms_to_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# `status RUN --json` into $1, or an empty file when the run (or the database) does not exist yet.
status_json() {
  local out=$1 run=$2 db=$3
  if ! "$BIN" status "$run" --db "$db" --json >"$out" 2>/dev/null; then : >"$out"; fi
}
json_field() { # FILE PYTHON-EXPR over d (empty file: prints "none")
  python3 - "$1" "$2" <<'PY'
import json, sys
text = open(sys.argv[1]).read().strip()
if not text:
    print("none")
else:
    d = json.loads(text)
    print(eval(sys.argv[2]))
PY
}

start_emulator() { # PORT IDEMPOTENCY DIR
  "$BIN" emulator --port "$1" --rate-limits off --idempotency "$2" --latency "$LATENCY" \
    >"$3/emulator.out" 2>"$3/emulator.err" &
  EMU_PID=$!
  local i
  for i in $(seq 1 200); do
    grep -q '^emulator listening on ' "$3/emulator.out" && return 0
    kill -0 "$EMU_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "crash-drill: the emulator did not start on port $1:" >&2
  cat "$3/emulator.err" >&2
  return 1
}

stop_emulator() {
  kill "$EMU_PID" 2>/dev/null || true
  wait "$EMU_PID" 2>/dev/null || true
  EMU_PID=""
}

write_input() { # SCENARIO DIR -> prints the input path
  local scenario=$1 dir=$2
  case $scenario in
    juspay)
      python3 "$ROOT/bench/gen-juspay-csv.py" "$ROWS" >"$dir/input.csv"
      echo "$dir/input.csv" ;;
    rapyd-*)
      local tag=${scenario#rapyd-idem-}
      python3 - "$ROWS" "$tag" "$dir/input.jsonl" <<'PY'
import sys
n, tag, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(path, "w") as f:
    for i in range(1, n + 1):
        f.write('{"order_id":"order_%s%07d","metadata":{"drill":%d,"batch":"crash-%s"}}\n' % (tag, i, i, tag))
PY
      echo "$dir/input.jsonl" ;;
  esac
}

write_job() { # SCENARIO DIR PORT INPUT DB -> prints the job path
  local scenario=$1 dir=$2 port=$3 input=$4 db=$5 job=$2/job.yaml
  {
    echo "name: crash-drill-$scenario"
    case $scenario in
      juspay) echo "provider: juspay"; echo "merchant_id: drill_merchant" ;;
      *) echo "provider: rapyd" ;;
    esac
    echo "endpoint: http://127.0.0.1:$port"
    echo "input: $input"
    echo "state: $db"
    echo "concurrency: $CONCURRENCY"
    echo "rate_limit: none"
  } >"$job"
  echo "$job"
}

# After invocation $inv of run_scenario (whose locals this reads: status, run_id, db, dir, mode): the run's
# state, its counts, and the rows in flight the invocation reported finding, into the caller's `state`,
# `counts` and `found`.
read_invocation() {
  status_json "$status" "$run_id" "$db"
  state=$(json_field "$status" 'd["state"]')
  counts=$(json_field "$status" '" ".join(str(d["counts"][k]) for k in ("total","succeeded","pending","in_flight","unknown","failed"))')
  [[ $counts == none ]] && counts="- - - - - -"
  found=$(sed -n 's/^orderbatch: \([0-9]*\) rows were in flight when the run stopped.*/\1/p' "$dir/inv-$inv.err" | head -1)
  [[ $mode == resume && -z $found ]] && found=0
  [[ -z $found ]] && found=-
  return 0
}

run_scenario() { # INDEX SCENARIO
  local index=$1 scenario=$2
  local port=$((PORT + index - 1)) dir=$WORK/$scenario idem=off
  [[ $scenario == rapyd-idem-on ]] && idem=on
  mkdir -p "$dir"
  local db=$dir/state.sqlite records=$dir/records.tsv
  : >"$records"
  RANDOM=$((SEED + index))   # each scenario replays on its own

  echo
  echo "== $scenario: $ROWS rows, $KILLS kills, emulator on port $port (--idempotency $idem --rate-limits off --latency $LATENCY), seed $SEED =="
  local t0; t0=$(now)
  start_emulator "$port" "$idem" "$dir"
  local input job
  input=$(write_input "$scenario" "$dir")
  job=$(write_job "$scenario" "$dir" "$port" "$input" "$db")

  local generation=1 run_id="drill-1" mode=run inv=0 kills=0 finished=0 problem=""
  local status=$dir/status.json
  while (( kills < KILLS )); do
    inv=$((inv + 1))
    local label=$mode cmd
    if [[ $mode == run ]]; then
      cmd=(run "$job" --run-id "$run_id" --db "$db")
      (( generation > 1 )) && label="run(again)"
    else
      cmd=(resume "$run_id" --db "$db")
    fi
    if [[ $mode == run ]]; then draw_ms "$RUN_MAX_SLEEP_MS"; else draw_ms "$MAX_SLEEP_MS"; fi
    local started; started=$(now)
    "$BIN" "${cmd[@]}" >"$dir/inv-$inv.out" 2>"$dir/inv-$inv.err" &
    CLIENT_PID=$!
    sleep "$(ms_to_s "$DRAW_MS")"
    local outcome rc=0
    kill -0 "$CLIENT_PID" 2>/dev/null && kill -9 "$CLIENT_PID" 2>/dev/null || true
    { wait "$CLIENT_PID"; } 2>/dev/null || rc=$?   # 137: our kill -9; else it ended on its own
    local ended; ended=$(now)
    CLIENT_PID=""
    local lived; lived="$(elapsed "$started" "$ended")@$(elapsed "$t0" "$ended")"
    local state counts found
    read_invocation
    local landed
    if (( rc == 137 )); then
      kills=$((kills + 1))
      outcome="kill-9@$(ms_to_s "$DRAW_MS")s"
      case $state in
        none|ingesting) landed=ingest ;;
        ready) landed=ingest-done ;;
        running) landed=executing ;;
        *) landed="after-end($state)" ;;
      esac
    else
      outcome="exit-$rc"
      landed=-
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$inv" "$label" "$run_id" "$lived" "$outcome" "$landed" "$state" "$counts $found" >>"$records"

    if (( rc != 137 )); then
      if (( rc == 0 )) && [[ $state == finished ]]; then finished=1; break; fi
      problem="invocation $inv (${cmd[*]}) exited $rc before its kill; see $dir/inv-$inv.err"
      break
    fi
    # What to do after this kill.
    case $state in
      none) mode=run ;;                                    # killed before the run was recorded: run again
      ingesting)
        if [[ $INGEST_KILL == rerun ]]; then
          generation=$((generation + 1)); run_id="drill-$generation"; mode=run
        else
          mode=resume
        fi ;;
      ready|running|stopped) mode=resume ;;
      finished) finished=1; break ;;
      *) problem="unexpected state $state after kill $kills"; break ;;
    esac
  done

  # Final invocation, to completion.
  local final_rc=0 final_secs=-
  if [[ -z $problem && $finished == 0 ]]; then
    inv=$((inv + 1))
    local cmd label=$mode
    if [[ $mode == run ]]; then cmd=(run "$job" --run-id "$run_id" --db "$db")
    else cmd=(resume "$run_id" --db "$db"); fi
    local started; started=$(now)
    timeout "$FINAL_TIMEOUT" "$BIN" "${cmd[@]}" >"$dir/inv-$inv.out" 2>"$dir/inv-$inv.err" || final_rc=$?
    local ended; ended=$(now)
    final_secs="$(elapsed "$started" "$ended")@$(elapsed "$t0" "$ended")"
    local state counts found
    read_invocation
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$inv" "$label(final)" "$run_id" "$final_secs" "exit-$final_rc" "-" "$state" "$counts $found" >>"$records"
    if (( final_rc != 0 )); then problem="final ${cmd[*]} exited $final_rc; see $dir/inv-$inv.err"; fi
  fi

  curl -sf "http://127.0.0.1:$port/__emulator/stats" >"$dir/stats.json" || { : >"$dir/stats.json"; problem="${problem:+$problem; }cannot read the emulator's stats"; }
  stop_emulator
  local wall; wall=$(elapsed "$t0" "$(now)")

  if ! python3 - "$scenario" "$ROWS" "$KILLS" "$input" "$db" "$run_id" "$records" "$dir/stats.json" "$status" "$wall" "$problem" <<'PY'
import csv, json, sqlite3, sys
scenario, rows, kills_wanted, input_path, db, run_id, records, stats_path, status_path, wall, problem = sys.argv[1:]
rows, kills_wanted = int(rows), int(kills_wanted)
failures = [problem] if problem else []

if input_path.endswith(".csv"):
    with open(input_path, newline="") as f:
        ids = [r["order_id"] for r in csv.DictReader(f)]
else:
    with open(input_path) as f:
        ids = [json.loads(line)["order_id"] for line in f if line.strip()]

recs = [line.rstrip("\n").split("\t") for line in open(records)]
print(f"{'#':>2}  {'command':<13} {'run id':<8} {'lived s@since start':>19}  {'outcome':<15} {'landed in':<11} {'state after':<11} "
      f"{'total':>6} {'succeeded':>9} {'pending':>7} {'in_flight':>9} {'unknown':>7} {'failed':>6}  {'in_flight found at start':>24}")
for inv, label, rid, lived, outcome, landed, state, rest in recs:
    total, ok, pending, infl, unk, failed, found = rest.split(" ")
    print(f"{inv:>2}  {label:<13} {rid:<8} {lived:>19}  {outcome:<15} {landed:<11} {state:<11} "
          f"{total:>6} {ok:>9} {pending:>7} {infl:>9} {unk:>7} {failed:>6}  {found:>24}")

kills = [r for r in recs if r[4].startswith("kill-9")]
where = {}
for r in kills:
    where[r[5]] = where.get(r[5], 0) + 1
found = [r[7].split(" ")[6] for r in recs if r[1].startswith("resume")]
short = f" of {kills_wanted} requested: the run finished first" if len(kills) < kills_wanted else ""
print(f"kills: {len(kills)}{short} (" + ", ".join(f"{k} {v}" for k, v in sorted(where.items())) + ")"
      f"; in_flight rows found at each resume: {', '.join(found) if found else 'no resume'}")

# Reconciliations, preflights, sends: the attempts log of every run in this drill's database.
try:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    # A first send that succeeded is kept on its row (items.sent_at), not in `attempts` (schema 6).
    phases = dict(con.execute("SELECT phase, count(*) FROM (SELECT phase FROM attempts UNION ALL "
                              "SELECT 'send' FROM items WHERE sent_at IS NOT NULL) GROUP BY phase").fetchall())
    reconciled_rows = con.execute("SELECT count(DISTINCT run_key || ':' || seq) FROM attempts WHERE phase = 'reconcile'").fetchone()[0]
    runs = con.execute("SELECT id, state, (SELECT count(*) FROM items i WHERE i.run_key = r.key) FROM runs r ORDER BY created_at").fetchall()
    con.close()
except Exception as e:  # noqa: BLE001
    phases, reconciled_rows, runs = {}, "?", []
    failures.append(f"cannot read the attempts log: {e}")
print(f"attempts log: reconciliations {phases.get('reconcile', 0)} (on {reconciled_rows} rows), "
      f"preflights {phases.get('preflight', 0)}, sends {phases.get('send', 0)}; runs in the database: "
      + ", ".join(f"{i} {s} {n} rows" for i, s, n in runs))

try:
    stats = json.load(open(stats_path))
except Exception as e:  # noqa: BLE001
    stats = None
    failures.append(f"no emulator stats: {e}")
if stats is not None:
    applied = stats.get("appliedByOrder", {})
    idset = set(ids)
    once = sum(1 for i in ids if applied.get(i) == 1)
    twice = sorted((k, v) for k, v in applied.items() if v > 1)
    never = [i for i in ids if i not in applied]
    strangers = [k for k in applied if k not in idset]
    print(f"emulator: appliedTotal {stats['appliedTotal']}, orders applied once {once}/{rows}, more than once {len(twice)}, "
          f"never {len(never)}; keysReusedWithDifferentBody {stats['keysReusedWithDifferentBody']}, "
          f"idempotentReplays {stats['idempotentReplays']}, idempotencyConflicts {stats['idempotencyConflicts']}, "
          f"duplicateRequests {stats['duplicateRequests']}, requests {stats['requests']} {json.dumps(stats['requestsByRoute'], sort_keys=True)}")
    if len(ids) != rows: failures.append(f"the input has {len(ids)} rows, not {rows}")
    if stats["appliedTotal"] != rows: failures.append(f"appliedTotal {stats['appliedTotal']} != {rows}")
    if twice: failures.append(f"{len(twice)} orders applied more than once, e.g. {twice[:5]}")
    if never: failures.append(f"{len(never)} orders never applied, e.g. {never[:5]}")
    if strangers: failures.append(f"{len(strangers)} unexpected orders applied, e.g. {strangers[:5]}")
    if stats["keysReusedWithDifferentBody"] != 0: failures.append(f"keysReusedWithDifferentBody {stats['keysReusedWithDifferentBody']}")
    if stats["idempotencyConflicts"] != 0: failures.append(f"idempotencyConflicts {stats['idempotencyConflicts']}")

text = open(status_path).read().strip()
if not text:
    failures.append(f"run {run_id} is not recorded")
else:
    st = json.loads(text)
    c = st["counts"]
    if st["state"] != "finished": failures.append(f"run {run_id} is {st['state']}, not finished")
    if c["succeeded"] != rows or c["total"] != rows:
        failures.append(f"run {run_id}: succeeded {c['succeeded']} of total {c['total']}, expected {rows} of {rows}")
print(f"wall time: {wall} s")
if failures:
    print(f"FAIL {scenario}: " + "; ".join(failures))
    sys.exit(1)
print(f"PASS {scenario}: {rows} orders applied exactly once, no key reused with a different body, run {run_id} finished with {rows} succeeded")
PY
  then
    FAILED=1
  fi
}

echo "crash-drill: $(date -u +%Y-%m-%dT%H:%M:%SZ), rows $ROWS, kills $KILLS, seed $SEED (replay: SEED=$SEED bench/crash-drill.sh $ROWS $KILLS), binary $BIN, work $WORK"
index=0
for scenario in $SCENARIOS; do
  index=$((index + 1))
  run_scenario "$index" "$scenario"
done
echo
if (( FAILED )); then echo "crash-drill: FAIL (seed $SEED)"; exit 1; fi
echo "crash-drill: PASS, every scenario (seed $SEED)"
