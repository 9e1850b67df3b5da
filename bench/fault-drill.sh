#!/usr/bin/env bash
# Fault drill: the faults an operator really meets at night, each against a release build, a real
# `orderbatch emulator` process on loopback and real signals, files and pipes. One PASS/FAIL line per
# drill, the figures that matter (orders applied twice, requests per row, peak RSS), and a closing
# `N passed, N failed` line.
#
# Drills (DRILLS selects a subset, in this order):
#   freeze        SIGSTOP a run past its 3 s lease, `resume` takes it over, SIGCONT: the frozen process
#                 exits 75 having sent nothing more; every Juspay order applied exactly once
#   storm         a proxy answers 200 with an unreadable body to updates and status reads: the run ends by
#                 itself, requests per row <= max_attempts + 2, no row failed
#   revoked-key   the key is revoked after 60 updates (401): exit 3, no row failed; once restored, `resume`
#                 alone finishes; every order applied once
#   dns           an endpoint host that does not resolve: exit 3 naming DNS, every row pending
#   refused       nothing answers (a closed port): exit 3, every row pending; resume finishes once it answers
#   stderr-full   `run 2>/dev/full`: the run completes, exit 0
#   stderr-closed `run 2>&-`: the run completes, exit 0
#   pipe-head     `run 2>&1 | head -1`: the run completes, exit 0
#   sighup        SIGHUP mid-run (a dropped ssh session): exit 3, `resume` finishes, every order once
#   db-deleted    `rm state.sqlite*` mid-run: exit 74 naming the file, sending stops
#   db-damaged    bytes overwritten in the middle of the file: status, report and resume exit 74
#   big-answers   24 MB answers at concurrency 256: every row unknown (reconciled later), peak RSS < 100 MB
#   stale-run     a new input while an older run of the job is unfinished: exit 3 naming it
#   metrics       invalid input (exit 2) still writes the metrics file with exit code 2
#   simultaneous  8 `run`s of one job started together on a new state file: one runs, 7 exit 75, none 64
#   pg-lost       the PostgreSQL state database goes away under a 2,000-row run at concurrency 4 (a cluster of
#                 its own, scripts/pg-cluster.sh): `pg_ctl stop -m fast`, `-m immediate`, and the run's
#                 sessions ended by pg_terminate_backend: exit 3 naming the state database and `resume`, requests
#                 after the loss only for rows claimed before it (<= 72: 36 rows, 2 requests each); once it
#                 answers, `resume` finishes; every order applied once
#
# Usage: bench/fault-drill.sh
# Environment: BIN (default .build-drill/release/orderbatch, built when missing), PORT (first emulator port,
#   default 18290), DRILLS (default: all of the above), KEEP=1 (keep the work directory).
# Exit status: 0 every drill passed; 1 a drill failed (its work directory is kept and named); 64 bad arguments.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEFAULT_BIN=.build-drill/release/orderbatch
BIN=${BIN:-$DEFAULT_BIN}
PORT=${PORT:-18290}
ALL="freeze storm revoked-key dns refused stderr-full stderr-closed pipe-head sighup db-deleted db-damaged big-answers stale-run metrics simultaneous pg-lost"
DRILLS=${DRILLS:-$ALL}
KEEP=${KEEP:-0}
for d in $DRILLS; do [[ " $ALL " == *" $d "* ]] || { echo "fault-drill: unknown drill $d (known: $ALL)" >&2; exit 64; }; done

if [[ ! -x $BIN ]]; then
  [[ $BIN == "$DEFAULT_BIN" ]] || { echo "fault-drill: BIN=$BIN is not an executable" >&2; exit 64; }
  echo "fault-drill: building $BIN (several minutes the first time)" >&2
  swift build -c release --scratch-path .build-drill --product orderbatch >&2 || exit 1
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
command -v /usr/bin/time >/dev/null || { echo "fault-drill: needs /usr/bin/time (Debian package time)" >&2; exit 64; }

export JUSPAY_API_KEY=jp_demo_key RAPYD_ACCESS_KEY=rak_demo_access RAPYD_SECRET_KEY=rsk_demo_secret
unset JUSPAY_MERCHANT_ID

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fault-drill.XXXXXX")
EMU_PID=""
EMU_URL=""
PG_DIR=""
PASSED=0
FAILED=0
FIGURES=()
cleanup() {
  [[ -n $EMU_PID ]] && { kill "$EMU_PID" 2>/dev/null; wait "$EMU_PID" 2>/dev/null; }
  jobs -p | xargs -r kill -9 2>/dev/null
  [[ -n $PG_DIR ]] && "$ROOT/scripts/pg-cluster.sh" delete "$PG_DIR"
  if [[ $FAILED -eq 0 && $KEEP != 1 ]]; then rm -rf "$WORK"; else echo "fault-drill: work directory kept: $WORK" >&2; fi
}
trap cleanup EXIT

# ---- helpers ---------------------------------------------------------------------------------------------
emulator() { # DIR PORT ARGS... : starts `orderbatch emulator`, sets EMU_PID and EMU_URL
  local dir=$1 port=$2; shift 2
  "$BIN" emulator --port "$port" --rate-limits off "$@" >"$dir/emulator.out" 2>"$dir/emulator.err" &
  EMU_PID=$!
  EMU_URL=http://127.0.0.1:$port
  for _ in $(seq 1 400); do
    grep -q '^emulator listening on ' "$dir/emulator.out" 2>/dev/null && return 0
    kill -0 "$EMU_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "fault-drill: the emulator did not start: $(cat "$dir/emulator.err")" >&2
  return 1
}
stop_emulator() { [[ -n $EMU_PID ]] && { kill "$EMU_PID" 2>/dev/null; wait "$EMU_PID" 2>/dev/null; }; EMU_PID=""; }
stats() { curl -s "$EMU_URL/__emulator/stats"; }
post() { curl -s -o /dev/null -w '%{http_code}' -X POST "$EMU_URL$1"; }
py() { python3 -c "$@"; }
# Orders applied more than once, and orders applied at all, from the emulator's stats.
applied_twice() { stats | py 'import json,sys; d=json.load(sys.stdin)["appliedByOrder"]; print(sum(1 for v in d.values() if v != 1))'; }
applied_orders() { stats | py 'import json,sys; print(len(json.load(sys.stdin)["appliedByOrder"]))'; }
applied_total() { stats | py 'import json,sys; print(json.load(sys.stdin)["appliedTotal"])'; }
counts() { # DB RUN -> "succeeded failed pending unknown" (or "none")
  "$BIN" status "$2" --db "$1" --json 2>/dev/null |
    py 'import json,sys
try:
    c=json.load(sys.stdin)["counts"]; print(c["succeeded"], c["failed"], c["pending"], c["unknown"])
except Exception: print("none")'
}
wait_succeeded() { # DB RUN N [SECONDS]
  local deadline=$((SECONDS + ${4:-60})) c
  while ((SECONDS < deadline)); do
    c=$(counts "$1" "$2"); [[ $c != none ]] && (($(cut -d' ' -f1 <<<"$c") >= $3)) && return 0
    sleep 0.05
  done
  return 1
}
juspay_csv() { python3 "$ROOT/bench/gen-juspay-csv.py" "$2" >"$1"; }
job() { # FILE NAME ENDPOINT INPUT DB EXTRA-LINES
  printf 'name: %s\nprovider: juspay\nmerchant_id: drill_merchant\nendpoint: %s\ninput: %s\nstate: %s\nrate_limit: none\n%s' \
    "$2" "$3" "$4" "$5" "${6:-}" >"$1"
}
wait_exit() { # PID SECONDS -> exit status in $RC (or 124 on time-out, the process killed)
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  if kill -0 "$1" 2>/dev/null; then kill -9 "$1"; wait "$1" 2>/dev/null; RC=124; else wait "$1"; RC=$?; fi
}
result() { # NAME OK DETAIL
  if [[ $2 == 1 ]]; then PASSED=$((PASSED + 1)); printf 'PASS  %-14s %s\n' "$1" "$3"
  else FAILED=$((FAILED + 1)); printf 'FAIL  %-14s %s\n' "$1" "$3"; fi
}
figure() { FIGURES+=("$1"); }
# A run slowed down by the emulator's Juspay latency model, caught mid-way: starts the emulator and
# `run --run-id RUN` on ROWS rows in the background (its pid in RUN_PID, output in DIR/out and DIR/err)
# and returns once 10 rows succeeded. Prints the FAIL line and returns 1 when it cannot.
slow_run() { # DRILL DIR RUN ROWS EXTRA-JOB-LINES
  local drill=$1 d=$2 run=$3
  emulator "$d" "$PORT" --latency juspay || { result "$drill" 0 "emulator did not start"; return 1; }
  juspay_csv "$d/in.csv" "$4"
  job "$d/job.yaml" "$drill" "$EMU_URL" "$d/in.csv" "$d/state.sqlite" "$5"
  "$BIN" run "$d/job.yaml" --run-id "$run" >"$d/out" 2>"$d/err" &
  RUN_PID=$!
  wait_succeeded "$d/state.sqlite" "$run" 10 && return 0
  kill -9 "$RUN_PID" 2>/dev/null
  result "$drill" 0 "the run did not start"
  stop_emulator
  return 1
}

# ---- drills ------------------------------------------------------------------------------------------------
drill_freeze() {
  local d=$WORK/freeze; mkdir -p "$d"
  slow_run freeze "$d" fz 400 $'concurrency: 4\nlease_ttl: 3s\n' || return
  local a=$RUN_PID
  kill -STOP "$a"
  local b="" t0=$SECONDS
  while [[ -z $b ]] && ((SECONDS - t0 < 60)); do
    "$BIN" resume fz --db "$d/state.sqlite" >"$d/b.out" 2>"$d/b.err" & local p=$!
    while kill -0 "$p" 2>/dev/null && ! grep -q 'reconciled first' "$d/b.err" 2>/dev/null; do sleep 0.02; done
    if kill -0 "$p" 2>/dev/null; then b=$p; else wait "$p"; sleep 0.2; fi
  done
  [[ -n $b ]] || { kill -9 "$a"; result freeze 0 "the lease was never taken over"; stop_emulator; return; }
  local took=$((SECONDS - t0))
  kill -CONT "$a"
  wait_exit "$a" 30; local rc_a=$RC
  post /__emulator/latency/none >/dev/null
  wait_exit "$b" 120; local rc_b=$RC
  local twice orders; twice=$(applied_twice); orders=$(applied_orders)
  figure "freeze: orders applied twice $twice of $orders; takeover ${took}s after SIGSTOP; woken process exit $rc_a"
  local ok=0
  [[ $rc_a == 75 && $rc_b == 0 && $twice == 0 && $orders == 400 ]] && grep -q 'no longer holds the lease' "$d/err" && ok=1
  result freeze $ok "woken process exit $rc_a (75), new holder exit $rc_b (0), applied twice $twice (0), orders $orders/400"
  stop_emulator
}

drill_dns() {
  local d=$WORK/dns; mkdir -p "$d"
  juspay_csv "$d/in.csv" 50
  job "$d/job.yaml" dns https://orderbatch-drill.invalid "$d/in.csv" "$d/state.sqlite" $'concurrency: 2\n'
  timeout 60 "$BIN" run "$d/job.yaml" --run-id dns >"$d/out" 2>"$d/err"; local rc=$?
  local c; c=$(counts "$d/state.sqlite" dns)
  local ok=0
  [[ $rc == 3 && $c == "0 0 50 0" ]] && grep -q "host name does not resolve" "$d/out" && ok=1
  result dns $ok "exit $rc (3), succeeded/failed/pending/unknown $c (0 0 50 0)"
}

drill_refused() {
  local d=$WORK/refused; mkdir -p "$d"
  local port=$((PORT + 1))
  juspay_csv "$d/in.csv" 200
  job "$d/job.yaml" refused "http://127.0.0.1:$port" "$d/in.csv" "$d/state.sqlite" $'concurrency: 8\n'
  timeout 60 "$BIN" run "$d/job.yaml" --run-id ref --json >"$d/out" 2>"$d/err"; local rc=$?
  local requests; requests=$(py 'import json,sys; d=json.load(open(sys.argv[1])); print(d["attempts"] + d["preflights"] + d["reconciles"])' "$d/out" 2>/dev/null)
  local c; c=$(counts "$d/state.sqlite" ref)
  emulator "$d" "$port" || { result refused 0 "emulator did not start"; return; }
  timeout 120 "$BIN" resume ref --db "$d/state.sqlite" >"$d/resume.out" 2>"$d/resume.err"; local rc2=$?
  local twice; twice=$(applied_twice)
  figure "refused: $requests requests before the stop at concurrency 8"
  local ok=0
  [[ $rc == 3 && $c == "0 0 200 0" && $rc2 == 0 && $twice == 0 && ${requests:-99} -le 16 ]] && grep -q "nothing answers" "$d/out" && ok=1
  result refused $ok "exit $rc (3), $requests requests (<= 16), counts $c (0 0 200 0), resume exit $rc2 (0), applied twice $twice"
  stop_emulator
}

drill_db_deleted() {
  local d=$WORK/db-deleted; mkdir -p "$d"
  slow_run db-deleted "$d" del 600 $'concurrency: 4\nlease_ttl: 6s\n' || return
  local a=$RUN_PID
  rm -f "$d/state.sqlite" "$d/state.sqlite-wal" "$d/state.sqlite-shm"
  local t0=$SECONDS
  wait_exit "$a" 30; local rc=$RC took=$((SECONDS - t0))
  local before after; before=$(applied_total); sleep 1; after=$(applied_total)
  local ok=0
  [[ $rc == 74 && $before == "$after" && $before -lt 600 ]] && grep -q "was deleted, moved or replaced" "$d/err" && ok=1
  result db-deleted $ok "exit $rc (74) ${took}s after rm, $before of 600 applied, nothing sent after ($after)"
  stop_emulator
}

drill_db_damaged() {
  local d=$WORK/db-damaged; mkdir -p "$d"
  juspay_csv "$d/in.csv" 3000
  job "$d/job.yaml" damaged emulator "$d/in.csv" "$d/state.sqlite" $'concurrency: 32\npreflight: false\n'
  timeout 120 "$BIN" run "$d/job.yaml" --run-id dmg >"$d/out" 2>"$d/err"; local rc=$?
  local size; size=$(stat -c %s "$d/state.sqlite")
  py 'import sys
p, n = sys.argv[1], int(sys.argv[2])
with open(p, "r+b") as f:
    f.seek(n // 3); f.write(b"Z" * (n // 4))' "$d/state.sqlite" "$size"
  "$BIN" status dmg --db "$d/state.sqlite" >"$d/status.out" 2>"$d/status.err"; local s=$?
  "$BIN" report dmg --db "$d/state.sqlite" --state all >"$d/report.out" 2>"$d/report.err"; local r=$?
  "$BIN" resume dmg --db "$d/state.sqlite" >"$d/resume.out" 2>"$d/resume.err"; local m=$?
  local ok=0
  [[ $rc == 0 && $s == 74 && $r == 74 && $m == 74 ]] && grep -q "is damaged" "$d/status.err" && ok=1
  result db-damaged $ok "run exit $rc (0); after the damage status $s, report $r, resume $m (74 each)"
}

drill_storm() {
  local d=$WORK/storm; mkdir -p "$d"
  emulator "$d" "$PORT" --garble both || { result storm 0 "emulator did not start"; return; }
  juspay_csv "$d/in.csv" 200
  # The breaker out of the way: the per-row bound alone must end the run.
  job "$d/job.yaml" storm "$EMU_URL" "$d/in.csv" "$d/state.sqlite" \
    $'concurrency: 8\npreflight: false\nbreaker:\n  consecutive_failures: 100000\nretry:\n  max_attempts: 5\n  backoff_base: 10ms\n  backoff_max: 50ms\n  budget: 10\n'
  local t0=$SECONDS
  timeout 300 "$BIN" run "$d/job.yaml" --run-id st >"$d/out" 2>"$d/err"; local rc=$? took=$((SECONDS - t0))
  local requests; requests=$(stats | py 'import json,sys; print(json.load(sys.stdin)["requests"])')
  local most; most=$(py 'import sqlite3,sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT max(n) FROM (SELECT count(*) n FROM attempts WHERE run_id = ? GROUP BY seq)", ("st",)).fetchone()[0])' "$d/state.sqlite")
  local c; c=$(counts "$d/state.sqlite" st)
  post /__emulator/garble/none >/dev/null
  timeout 120 "$BIN" resume st --db "$d/state.sqlite" >"$d/resume.out" 2>"$d/resume.err"; local rc2=$?
  local twice; twice=$(applied_twice)
  figure "storm: $requests requests for 200 rows ($(py "print(f'{$requests/200:.2f}')") per row, at most $most for one row; max_attempts 5) in ${took}s"
  local ok=0
  [[ $rc == 3 && $c == "0 0 0 200" && $most -le 7 && $requests -le 1400 && $rc2 == 0 && $twice == 0 ]] && ok=1
  result storm $ok "exit $rc (3) in ${took}s, $requests requests (<= 1400), at most $most per row (<= 7), counts $c (0 0 0 200); resume exit $rc2, applied twice $twice"
  stop_emulator
}

drill_revoked_key() {
  local d=$WORK/revoked-key; mkdir -p "$d"
  emulator "$d" "$PORT" --revoke-after 60 || { result revoked-key 0 "emulator did not start"; return; }
  juspay_csv "$d/in.csv" 600
  job "$d/job.yaml" revoked "$EMU_URL" "$d/in.csv" "$d/state.sqlite" $'concurrency: 8\n'
  timeout 120 "$BIN" run "$d/job.yaml" --run-id rk >"$d/out" 2>"$d/err"; local rc=$?
  local c; c=$(counts "$d/state.sqlite" rk)
  local refused; refused=$(stats | py 'import json,sys; print(json.load(sys.stdin)["revokedRefusals"])')
  post /__emulator/credentials/restore >/dev/null
  timeout 120 "$BIN" resume rk --db "$d/state.sqlite" >"$d/resume.out" 2>"$d/resume.err"; local rc2=$?
  local twice orders; twice=$(applied_twice); orders=$(applied_orders)
  figure "revoked-key: $refused requests refused with 401 before the stop at concurrency 8"
  local ok=0
  [[ $rc == 3 && $c == "60 0 540 0" && $refused -le 16 && $rc2 == 0 && $twice == 0 && $orders == 600 ]] &&
    grep -q "Juspay refused the credentials (HTTP 401" "$d/out" && grep -q "check JUSPAY_API_KEY" "$d/out" && ok=1
  result revoked-key $ok "exit $rc (3), counts $c (60 0 540 0), $refused refused (<= 16); restored: resume exit $rc2 (0), orders $orders/600, applied twice $twice"
  stop_emulator
}

# A run of 60 rows against the in-process emulator with its output sent somewhere hostile: CMD is a shell
# fragment run with $RUN set to the run command; the run's own exit status is read from its status file.
output_drill() { # NAME CMD
  local d=$WORK/$1; mkdir -p "$d"
  juspay_csv "$d/in.csv" 60
  job "$d/job.yaml" "$1" emulator "$d/in.csv" "$d/state.sqlite" $'concurrency: 4\n'
  RUN="$BIN run $d/job.yaml --run-id out" D=$d timeout 120 bash -c "$2"; local shell_rc=$?
  local rc; rc=$(cat "$d/rc" 2>/dev/null || echo none)
  local c; c=$(counts "$d/state.sqlite" out)
  local ok=0
  [[ $rc == 0 && $c == "60 0 0 0" && $shell_rc != 124 ]] && ok=1
  result "$1" $ok "run exit $rc (0), counts $c (60 0 0 0)"
}
drill_stderr_full() { output_drill stderr-full '$RUN 2>/dev/full >/dev/full; echo $? >"$D/rc"'; }
drill_stderr_closed() { output_drill stderr-closed '$RUN 2>&- >&-; echo $? >"$D/rc"'; }
drill_pipe_head() { output_drill pipe-head '$RUN 2>&1 | head -1 >/dev/null; echo ${PIPESTATUS[0]} >"$D/rc"'; }

drill_sighup() {
  local d=$WORK/sighup; mkdir -p "$d"
  slow_run sighup "$d" hup 400 $'concurrency: 4\n' || return
  local a=$RUN_PID
  kill -HUP "$a"
  wait_exit "$a" 30; local rc=$RC
  post /__emulator/latency/none >/dev/null
  timeout 120 "$BIN" resume hup --db "$d/state.sqlite" >"$d/resume.out" 2>"$d/resume.err"; local rc2=$?
  local twice orders; twice=$(applied_twice); orders=$(applied_orders)
  local ok=0
  [[ $rc == 3 && $rc2 == 0 && $twice == 0 && $orders == 400 ]] && grep -q "orderbatch resume hup" "$d/err" "$d/out" && ok=1
  result sighup $ok "exit $rc (3), resume exit $rc2 (0), orders $orders/400, applied twice $twice"
  stop_emulator
}

drill_metrics() {
  local d=$WORK/metrics; mkdir -p "$d"
  printf 'order_id,routing_id,amount\nORD1,c1,-5\n' >"$d/bad.csv"
  job "$d/job.yaml" metrics emulator "$d/bad.csv" "$d/state.sqlite" ""
  "$BIN" run "$d/job.yaml" --metrics "$d/metrics.prom" >"$d/out" 2>"$d/err"; local rc=$?
  local gauge; gauge=$(sed -n 's/^orderbatch_last_run_exit_code{.*} \([0-9]*\)$/\1/p' "$d/metrics.prom" 2>/dev/null)
  local ok=0
  [[ $rc == 2 && $gauge == 2 ]] && ok=1
  result metrics $ok "invalid input: exit $rc (2), metrics file exit-code gauge ${gauge:-missing} (2)"
}

drill_big_answers() {
  local d=$WORK/big-answers; mkdir -p "$d"
  emulator "$d" "$PORT" --pad-mb 24 || { result big-answers 0 "emulator did not start"; return; }
  juspay_csv "$d/in.csv" 512
  job "$d/job.yaml" big "$EMU_URL" "$d/in.csv" "$d/state.sqlite" \
    $'concurrency: 256\npreflight: false\nbreaker:\n  consecutive_failures: 100000\nretry:\n  max_attempts: 2\n  budget: 10\n'
  /usr/bin/time -f '%M' -o "$d/rss" timeout 300 "$BIN" run "$d/job.yaml" --run-id big >"$d/out" 2>"$d/err"; local rc=$?
  local kb; kb=$(tail -1 "$d/rss")
  local c; c=$(counts "$d/state.sqlite" big)
  local capped; capped=$(py 'import sqlite3,sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT count(*) FROM attempts WHERE run_id = ? AND error_code = ?", ("big", "response_too_large")).fetchone()[0])' "$d/state.sqlite")
  figure "big-answers: peak RSS $((kb / 1024)) MB with 24 MB answers at concurrency 256 (512 rows, $capped answers cut at the cap)"
  local ok=0
  [[ $rc == 3 && $((kb / 1024)) -lt 100 && $capped -gt 0 ]] && [[ $(cut -d' ' -f1,2 <<<"$c") == "0 0" ]] && ok=1
  result big-answers $ok "exit $rc (3), peak RSS $((kb / 1024)) MB (< 100), $capped answers cut at 1 MiB, counts $c (none succeeded or failed)"
  stop_emulator
}

drill_stale_run() {
  local d=$WORK/stale-run; mkdir -p "$d"
  juspay_csv "$d/week1.csv" 300
  sed 's/,reprice,/,reprice-week2,/' "$d/week1.csv" >"$d/week2.csv"   # this week's file: other content
  job "$d/job.yaml" stale emulator "$d/week1.csv" "$d/state.sqlite" $'concurrency: 4\n'
  # Last week's run stops at its deadline with rows left.
  "$BIN" run "$d/job.yaml" --run-id week1 --deadline 1ms >"$d/w1.out" 2>"$d/w1.err"; local rc1=$?
  "$BIN" run "$d/job.yaml" --input "$d/week2.csv" --run-id week2 >"$d/w2.out" 2>"$d/w2.err"; local rc2=$?
  "$BIN" run "$d/job.yaml" --input "$d/week2.csv" --run-id week2b --supersede >"$d/w3.out" 2>"$d/w3.err"; local rc3=$?
  "$BIN" resume week1 --db "$d/state.sqlite" >"$d/r.out" 2>"$d/r.err"; local rc4=$?
  local ok=0
  [[ $rc1 == 3 && $rc2 == 3 && $rc3 == 0 && $rc4 == 2 ]] && grep -q "orderbatch cancel week1" "$d/w2.err" && ok=1
  result stale-run $ok "old run stopped ($rc1: 3); new input refused ($rc2: 3) naming resume/cancel/--supersede; --supersede ran ($rc3: 0); resume of the superseded run refused ($rc4: 2)"
}

drill_simultaneous() {
  local d=$WORK/simultaneous; mkdir -p "$d"
  emulator "$d" "$PORT" --latency juspay || { result simultaneous 0 "emulator did not start"; return; }
  juspay_csv "$d/in.csv" 2000
  local round bad=0 summary=""
  for round in 1 2 3; do
    rm -f "$d/state.sqlite"*
    job "$d/job.yaml" simultaneous "$EMU_URL" "$d/in.csv" "$d/state.sqlite" $'concurrency: 2\n'
    local pids=() i
    for i in 1 2 3 4 5 6 7 8; do "$BIN" run "$d/job.yaml" >"$d/r$i.out" 2>"$d/r$i.err" & pids+=($!); done
    local running=0 busy=0 other=0 codes=""
    # The losers exit 75 at once; the winner is sending: stop it once the others are done.
    for i in 0 1 2 3 4 5 6 7; do
      local deadline=$((SECONDS + 60))
      while kill -0 "${pids[$i]}" 2>/dev/null && ! grep -q 'rows recorded' "$d/r$((i + 1)).err" && ((SECONDS < deadline)); do sleep 0.05; done
    done
    for i in 0 1 2 3 4 5 6 7; do
      if kill -0 "${pids[$i]}" 2>/dev/null; then running=$((running + 1)); kill -TERM "${pids[$i]}"; fi
    done
    for i in 0 1 2 3 4 5 6 7; do
      wait "${pids[$i]}"; local rc=$?; codes+="$rc "
      case $rc in 75) busy=$((busy + 1)) ;; 3|0) ;; *) other=$((other + 1)) ;; esac
    done
    summary+="round $round: exits $codes; "
    [[ $running == 1 && $busy == 7 && $other == 0 ]] || bad=1
  done
  result simultaneous $((1 - bad)) "$summary(one runs, seven 75, none 64)"
  stop_emulator
}

# The PostgreSQL drill, in a file of its own (it uses the helpers above).
# shellcheck source=bench/fault-drill-pg.sh
source "$ROOT/bench/fault-drill-pg.sh"

# ---- main --------------------------------------------------------------------------------------------------
echo "fault-drill: $BIN, work directory $WORK, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
for drill in $DRILLS; do
  "drill_${drill//-/_}"
done
echo
for f in "${FIGURES[@]}"; do echo "figure: $f"; done
echo
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
