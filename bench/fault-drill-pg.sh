# The fault drill's `pg-lost`, sourced by bench/fault-drill.sh (not run on its own): the PostgreSQL state
# database goes away under a 2,000-row Juspay run at concurrency 4, on a cluster of the drill's own
# (scripts/pg-cluster.sh, so the suite's shared server is never touched):
#   fast       pg_ctl stop -m fast (sessions ended, a clean shutdown), then started again on the same port
#   immediate  pg_ctl stop -m immediate (every server process killed, as in a crash; WAL recovery at start)
#   terminate  the run's sessions ended by pg_terminate_backend while the server lives
# Each must exit 3 naming the state database and the `resume` to type, send requests after the loss only
# for rows it had claimed before (<= 72: max(4 x 4, 32) claimed ahead + 4 in flight, 2 requests each), and
# once the server answers `resume` finishes: 2,000 succeeded, every order applied exactly once.
# Figures: requests after the loss (and from the moment it was asked for), seconds to the exit.
drill_pg_lost() {
  local d=$WORK/pg-lost; mkdir -p "$d"
  # The cluster's folder outside $WORK, which is private (the server runs as the postgres user under root).
  local pg; pg=$(mktemp -d "${TMPDIR:-/tmp}/fault-drill-pg.XXXXXX"); PG_DIR=$pg
  local url; url=$("$ROOT/scripts/pg-cluster.sh" start "$pg" 2>"$d/pg.err") ||
    { result pg-lost 0 "no PostgreSQL cluster: $(cat "$d/pg.err")"; return; }
  emulator "$d" "$PORT" --latency juspay || { result pg-lost 0 "emulator did not start"; "$ROOT/scripts/pg-cluster.sh" delete "$pg"; return; }
  juspay_csv "$d/in.csv" 2000
  local mode bad=0 summary=""
  for mode in fast immediate terminate; do
    local tag=${mode:0:1}
    # Each loss on a schema of its own (the store creates it), against orders the emulator has not seen.
    local db="$url?options=-csearch_path%3Dlost_$mode" run=pl-$mode
    sed "s/^ORD/OR${tag^^}/" "$d/in.csv" >"$d/in-$mode.csv"
    job "$d/$mode.yaml" "lost-$mode" "$EMU_URL" "$d/in-$mode.csv" "\"$db\"" $'concurrency: 4\nlease_ttl: 3s\n'
    post /__emulator/latency/juspay >/dev/null
    local applied0; applied0=$(applied_total)
    "$BIN" run "$d/$mode.yaml" --run-id "$run" >"$d/$mode.out" 2>"$d/$mode.err" &
    local a=$!
    if ! wait_succeeded "$db" "$run" 20 120; then
      kill -9 "$a" 2>/dev/null; bad=1; summary+="$mode: the run did not start ($(tail -1 "$d/$mode.err")); "; continue
    fi
    local t0; t0=$(date +%s.%N)
    local before; before=$(stats | py 'import json,sys; print(json.load(sys.stdin)["requests"])')
    if [[ $mode == terminate ]]; then
      psql "$url" -XtAc "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" >"$d/terminated" 2>&1
    else
      "$ROOT/scripts/pg-cluster.sh" stop "$pg" "$mode"
    fi
    local at; at=$(stats | py 'import json,sys; print(json.load(sys.stdin)["requests"])')
    wait_exit "$a" 120; local rc=$RC
    local took; took=$(py "import sys; print(f'{$(date +%s.%N) - $t0:.2f}')")
    local after; after=$(stats | py 'import json,sys; print(json.load(sys.stdin)["requests"])')
    # After the server went away (pg_ctl stop returned; the sessions were ended), and from the moment the stop
    # was asked for (a fast stop waits for sessions to end: the run may still be recording meanwhile).
    local sent=$((after - at)) sent_from_ask=$((after - before))
    [[ $mode == terminate ]] || "$ROOT/scripts/pg-cluster.sh" start "$pg" >/dev/null 2>>"$d/pg.err"
    post /__emulator/latency/none >/dev/null
    timeout 180 "$BIN" resume "$run" --db "$db" >"$d/$mode.resume.out" 2>"$d/$mode.resume.err"; local rc2=$?
    local c; c=$(counts "$db" "$run")
    local applied1; applied1=$(applied_total)
    local told=0
    grep -q "the PostgreSQL state database does not answer" "$d/$mode.out" "$d/$mode.err" &&
      grep -q "orderbatch resume $run --db" "$d/$mode.out" "$d/$mode.err" && told=1
    figure "pg-lost $mode: $sent requests after the loss ($sent_from_ask from the moment it was asked for), exit $rc ${took}s after it was asked for"
    summary+="$mode: exit $rc (3) in ${took}s, $sent sent after (<= 72), told $told, resume $rc2 (0), counts $c, applied $((applied1 - applied0))/2000; "
    [[ $rc == 3 && $sent -le 72 && $told == 1 && $rc2 == 0 && $c == "2000 0 0 0" && $((applied1 - applied0)) == 2000 ]] || bad=1
  done
  local twice; twice=$(applied_twice)
  [[ $twice == 0 ]] || bad=1
  result pg-lost $((1 - bad)) "${summary}applied twice $twice"
  stop_emulator
  "$ROOT/scripts/pg-cluster.sh" delete "$pg"; PG_DIR=""
}
