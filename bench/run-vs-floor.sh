#!/usr/bin/env bash
# `orderbatch run` beside the libcurl floor (issue #12), two builds side by side.
#
# Starts its own nginx (Debian's nginx-light with the echo module, installed with apt-get when
# missing; its own prefix and config in a temp dir, no system service) on loopback. nginx answers
# Juspay's Update Order path (POST /orders/{order_id}) with a Juspay-shaped order object whose
# `amount` is the posted one, so orderbatch's amount check passes on every row. Then, for ROUNDS
# rounds, interleaved and in alternating order:
#   - the floor: bench/floor/curl-floor.c, a bare C libcurl multi loop sending the same requests
#     (same path, headers and form body) at concurrency 64, no parsing, no recording;
#   - `orderbatch run` of a ROWS-row Juspay CSV (bench/gen-juspay-csv.py), `preflight: false`,
#     concurrency 64, `endpoint:` the nginx, fresh SQLite state database, with BASELINE_BIN and BIN.
# Prints every measurement, then the medians: rows/s over the execute phase (the summary's
# elapsed_seconds) and over the whole process, the ratio to the floor, user+sys CPU µs per row
# (whole process: validation, ingest and execution), and peak RSS. Then once per binary: the peak
# RSS of a BIG-row run (target ≤ 64 MB), and instructions per row from valgrind's callgrind on a
# CG_ROWS-row run (where valgrind can run the binary; else it says so).
#
# Usage: bench/run-vs-floor.sh [ROWS] [ROUNDS] [BIG] [CG_ROWS]   (default: 100000 3 1000000 5000)
# Environment: BIN (default .build-release/release/orderbatch), BASELINE_BIN (default: none; the
# baseline columns are skipped), PORT (default 18399), CONCURRENCY (default 64), SKIP_BIG=1,
# SKIP_CALLGRIND=1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
ROUNDS=${2:-3}
BIG=${3:-1000000}
CG_ROWS=${4:-5000}
BIN=${BIN:-.build-release/release/orderbatch}
BASELINE_BIN=${BASELINE_BIN:-}
PORT=${PORT:-18399}
CONCURRENCY=${CONCURRENCY:-64}
[ -x "$BIN" ] || swift build -c release --scratch-path .build-release --product orderbatch >/dev/null

if ! command -v nginx >/dev/null || [ ! -f /usr/lib/nginx/modules/ngx_http_echo_module.so ]; then
  apt-get install -y nginx-light libnginx-mod-http-echo >/dev/null
fi
mkdir -p bench/out
floor=bench/out/curl-floor
if [ ! -x "$floor" ] || [ bench/floor/curl-floor.c -nt "$floor" ]; then
  cc -O2 -Wall -o "$floor" bench/floor/curl-floor.c -lcurl
fi

work=$(mktemp -d)
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/body;
  client_body_buffer_size 16k;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  # The posted form body starts with amount=… (orderbatch and the floor both send it first).
  map \$request_body \$posted_amount {
    "~^amount=(?<a>[0-9.]+)" \$a;
    default "0";
  }
  server {
    listen 127.0.0.1:$PORT;
    # Juspay Update Order: the order object, shaped like the emulator's (JuspayOrder.json).
    location ~ ^/orders/(?<oid>[^/]+)\$ {
      default_type application/json;
      echo_read_request_body;
      echo -n '{"status_id":1,"status":"NEW","id":"ordeh_bench","merchant_id":"bench","amount":\$posted_amount,"currency":"INR","order_id":"\$oid","date_created":"2026-12-01T00:00:00Z","return_url":"","product_id":"","refunded":false,"amount_refunded":0,"effective_amount":\$posted_amount,"offers":[]}';
    }
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log"
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/orders/X" -d amount=1 && break
  sleep 0.1
done
echo "nginx on 127.0.0.1:$PORT: $(curl -s "http://127.0.0.1:$PORT/orders/ORD1" -d 'amount=90.5&udf1=x')"

csv_for() {
  local rows=$1 csv=bench/out/juspay-$1.csv
  [ -f "$csv" ] || python3 bench/gen-juspay-csv.py "$rows" > "$csv"
  echo "$csv"
}
job_for() {
  local rows=$1 job=bench/out/floor-run-$1.yaml
  csv_for "$rows" >/dev/null
  cat > "$job" <<YAML
name: bench-floor
provider: juspay
endpoint: http://127.0.0.1:$PORT
merchant_id: bench
input: juspay-$rows.csv
concurrency: $CONCURRENCY
preflight: false
YAML
  echo "$job"
}
export JUSPAY_API_KEY=bench-key

results=$work/results.txt
: > "$results"
# floor: one line "floor RPS CPU_US_PER_REQUEST"
run_floor() {
  local out
  out=$( { /usr/bin/time -f "TIME %e %U %S %M" "$floor" "http://127.0.0.1:$PORT" "$ROWS" "$CONCURRENCY" 2>&1 >&3; } 3>&1 )
  python3 - "$ROWS" "$out" <<'PY' | tee -a "$results"
import sys
rows, out = int(sys.argv[1]), sys.argv[2]
rps = float(out.split("requests/s")[1].split()[0])
t = next(l for l in out.splitlines() if l.startswith("TIME")).split()
cpu = (float(t[2]) + float(t[3])) * 1e6 / rows
print(f"floor {rps:.0f} {rps:.0f} {cpu:.1f} {int(t[4]) / 1024:.1f}")
PY
}
# orderbatch: one line "LABEL EXEC_ROWS_PER_S WALL_ROWS_PER_S CPU_US_PER_ROW PEAK_RSS_MB"
run_orderbatch() {
  local label=$1 bin=$2 rows=$3 job db out
  job=$(job_for "$rows")
  db=$work/state-$label.sqlite
  rm -f "$db" "$db-wal" "$db-shm"
  out=$( { /usr/bin/time -f "TIME %e %U %S %M" "$bin" run "$job" --db "$db" --json 2>&1 >&3 | grep '^TIME' ; } 3>&1 )
  rm -f "$db" "$db-wal" "$db-shm"
  python3 - "$label" "$rows" "$out" <<'PY'
import json, sys
label, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
summary = json.loads(next(l for l in out.splitlines() if l.startswith("{")))
ok = summary["counts"]["succeeded"]
if ok != rows:
    sys.exit(f"{label}: only {ok} of {rows} rows succeeded")
t = next(l for l in out.splitlines() if l.startswith("TIME")).split()
wall, user, sys_, rss = float(t[1]), float(t[2]), float(t[3]), int(t[4])
ex = summary["elapsed_seconds"]
print(f"{label} {rows / ex:.0f} {rows / wall:.0f} {(user + sys_) * 1e6 / rows:.1f} {rss / 1024:.1f}")
PY
}

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "columns: what  exec-rows/s  wall-rows/s  CPU-µs/row  peak-RSS-MB   ($ROWS rows, concurrency $CONCURRENCY)"
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  run_floor
  if [ $((round % 2)) -eq 1 ]; then order="base new"; else order="new base"; fi
  for which in $order; do
    if [ "$which" = base ]; then
      [ -n "$BASELINE_BIN" ] && run_orderbatch baseline "$BASELINE_BIN" "$ROWS" | tee -a "$results"
    else
      run_orderbatch new "$BIN" "$ROWS" | tee -a "$results"
    fi
  done
done

echo
echo "medians of $ROUNDS rounds, $ROWS rows, concurrency $CONCURRENCY"
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 5: continue
    rows.setdefault(parts[0], []).append([float(x) if x != "-" else 0.0 for x in parts[1:]])
med = {k: [statistics.median(c) for c in zip(*v)] for k, v in rows.items()}
floor = med["floor"][1]
print(f"{'':10} {'exec rows/s':>12} {'wall rows/s':>12} {'exec/floor':>10} {'wall/floor':>10} {'CPU µs/row':>11} {'peak RSS':>9}")
print(f"{'floor':10} {floor:12.0f} {floor:12.0f} {1:10.3f} {1:10.3f} {med['floor'][2]:11.1f} {med['floor'][3]:7.1f} MB")
for k in ("baseline", "new"):
    if k in med:
        e, w, c, r = med[k]
        print(f"{k:10} {e:12.0f} {w:12.0f} {e / floor:10.3f} {w / floor:10.3f} {c:11.1f} {r:7.1f} MB")
PY

if [ "${SKIP_BIG:-0}" != 1 ]; then
  echo
  echo "$BIG rows, once per binary (peak RSS target ≤ 64 MB)"
  [ -n "$BASELINE_BIN" ] && run_orderbatch baseline "$BASELINE_BIN" "$BIG"
  run_orderbatch new "$BIN" "$BIG"
fi

if [ "${SKIP_CALLGRIND:-0}" != 1 ]; then
  echo
  echo "instructions per row, valgrind --tool=callgrind, $CG_ROWS rows (whole process: validate, ingest, execute)"
  job=$(job_for "$CG_ROWS")
  # valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes ("unhandled dwarf2 abbrev form"), so it
  # runs a copy without debug information.
  cg() {
    local label=$1 bin=$2 db=$work/cg.sqlite log=$work/cg-$1.log
    strip --strip-debug -o "$work/cg-$label-bin" "$bin"
    rm -f "$db" "$db-wal" "$db-shm"
    if valgrind --tool=callgrind --callgrind-out-file="$work/cg-$label.out" --smc-check=all \
        --vex-iropt-register-updates=allregs-at-mem-access --fair-sched=yes \
        "$work/cg-$label-bin" run "$job" --db "$db" --json > "$work/cg-$label.json" 2> "$log" \
        && grep -q '"succeeded":'"$CG_ROWS" "$work/cg-$label.json"; then
      local ir
      ir=$(sed -n 's/^==[0-9]*== Collected : //p' "$log")
      echo "$label: $ir instructions, $((ir / CG_ROWS)) per row"
    else
      echo "$label: valgrind cannot run it: $(grep -m2 -E 'INTERNAL ERROR|impossible|Giving up' "$log" | tr '\n' ' ')"
      if perf stat -e instructions -x, -o "$work/perf-$label.txt" "$bin" run "$job" --db "$db.perf" --json \
          > /dev/null 2>&1 && ! grep -q 'not supported' "$work/perf-$label.txt"; then
        echo "$label: perf stat: $(grep instructions "$work/perf-$label.txt" | cut -d, -f1) instructions"
      else
        echo "$label: perf stat -e instructions: not supported on this machine (no hardware counters in the VM)"
      fi
      rm -f "$db.perf" "$db.perf-wal" "$db.perf-shm"
    fi
  }
  [ -n "$BASELINE_BIN" ] && cg baseline "$BASELINE_BIN"
  cg new "$BIN"
  floor_log=$work/cg-floor.log
  valgrind --tool=callgrind --callgrind-out-file="$work/cg-floor.out" "$floor" "http://127.0.0.1:$PORT" \
    "$CG_ROWS" "$CONCURRENCY" > /dev/null 2> "$floor_log"
  ir=$(sed -n 's/^==[0-9]*== Collected : //p' "$floor_log")
  echo "floor: $ir instructions, $((ir / CG_ROWS)) per request"
fi
