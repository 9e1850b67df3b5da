#!/usr/bin/env bash
# `orderbatch validate` beside its floor, a bare C libcsv loop (bench/floor/csv-floor.c), on a
# generated 3-column Juspay CSV (order_id,routing_id,amount), in one run (issue #12).
# Usage: bench/validate-vs-floor.sh [ROWS]          (default 1000000)
#   BIN=path/to/orderbatch    the build measured (default: the release build below)
#   BASE=path/to/orderbatch   a second build (e.g. main's) measured in the same rounds
#   RUNS=N                    rounds (default 7); each round runs floor, BIN[, BASE] in turn
#   CG_ROWS=N                 rows for the callgrind count (default 20000; 0 skips callgrind)
# Prints each command's median wall time, its rows/s, the floor/validate ratio (the target is
# at least 0.33), the median CPU time (user + system) and the same ratio on CPU, which moves less
# than wall time on a shared machine, peak RSS, and callgrind's instructions per row: (Ir on CG_ROWS rows minus Ir
# on 1 row) / (CG_ROWS - 1), which leaves process start-up out and does not move with the noise
# of a shared machine. Needs: cc, libcsv (libcsv-dev), python3, GNU time, valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
BIN=${BIN:-.build-release/release/orderbatch}
BASE=${BASE:-}
RUNS=${RUNS:-7}
CG_ROWS=${CG_ROWS:-20000}
[ -x "$BIN" ] || swift build -c release --scratch-path .build-release --product orderbatch >/dev/null
mkdir -p bench/out
FLOOR=bench/out/csv-floor
cc -O2 -o "$FLOOR" bench/floor/csv-floor.c -lcsv

# A 3-column file and the job that validates it (the generator's first 3 columns are unquoted).
gen() { # ROWS -> path of the CSV
  local csv=bench/out/juspay3-$1.csv
  [ -f "$csv" ] || python3 bench/gen-juspay-csv.py "$1" | cut -d, -f1-3 >"$csv"
  cat >bench/out/juspay3-$1.yaml <<YAML
name: bench
provider: juspay
endpoint: emulator
merchant_id: bench
input: juspay3-$1.csv
YAML
  echo "$csv"
}
csv=$(gen "$N")
job=bench/out/juspay3-$N.yaml

# One timed run: prints "wall_seconds peak_kb cpu_seconds"; a failing command stops the script.
timed() {
  /usr/bin/time -f "%e %M %U %S" -o bench/out/time.txt "$@" >/dev/null
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' bench/out/time.txt
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

names=(floor validate)
cmds=("$FLOOR $csv" "$BIN validate $job")
if [ -n "$BASE" ]; then
  names+=(base)
  cmds+=("$BASE validate $job")
fi
echo "== $N rows, $(du -h "$csv" | cut -f1), $RUNS rounds"
declare -A walls rss cpus
for _ in $(seq "$RUNS"); do
  for i in "${!names[@]}"; do
    # shellcheck disable=SC2086  # the command is split into words on purpose
    read -r w m c < <(timed ${cmds[$i]})
    walls[$i]+="$w "
    rss[$i]+="$m "
    cpus[$i]+="$c "
  done
done
floor_median=$(tr ' ' '\n' <<<"${walls[0]}" | grep . | median)
floor_cpu=$(tr ' ' '\n' <<<"${cpus[0]}" | grep . | median)
for i in "${!names[@]}"; do
  w=$(tr ' ' '\n' <<<"${walls[$i]}" | grep . | median)
  c=$(tr ' ' '\n' <<<"${cpus[$i]}" | grep . | median)
  m=$(tr ' ' '\n' <<<"${rss[$i]}" | grep . | sort -n | tail -1)
  printf '%-9s median %6.3f s  %9.0f rows/s  floor/this %.2f  peak RSS %d MB  (runs: %s)\n' \
    "${names[$i]}" "$w" "$(awk -v n="$N" -v t="$w" 'BEGIN {print n / t}')" \
    "$(awk -v f="$floor_median" -v t="$w" 'BEGIN {print f / t}')" "$((m / 1024))" "${walls[$i]% }"
  printf '%-9s CPU    %6.3f s  %9.0f rows/s  floor/this %.2f  (runs: %s)\n' \
    "" "$c" "$(awk -v n="$N" -v t="$c" 'BEGIN {print (t > 0 ? n / t : 0)}')" \
    "$(awk -v f="$floor_cpu" -v t="$c" 'BEGIN {print (t > 0 ? f / t : 0)}')" "${cpus[$i]% }"
done

[ "$CG_ROWS" -gt 0 ] || exit 0
gen 1 >/dev/null
gen "$CG_ROWS" >/dev/null
ir() { # command... -> total instructions under callgrind
  rm -f bench/out/callgrind.out
  valgrind --tool=callgrind --callgrind-out-file=bench/out/callgrind.out "$@" >/dev/null 2>bench/out/callgrind.log || true
  [ -f bench/out/callgrind.out ] && awk '/^summary:/ {print $2}' bench/out/callgrind.out
}
per_row() { # label, command prefix (the file's path or the job's is appended)
  local label=$1 one many
  shift
  if [ "$label" = floor ]; then
    one=$(ir "$@" bench/out/juspay3-1.csv)
    many=$(ir "$@" "bench/out/juspay3-$CG_ROWS.csv")
  else
    one=$(ir "$@" bench/out/juspay3-1.yaml)
    many=$(ir "$@" "bench/out/juspay3-$CG_ROWS.yaml")
  fi
  if [ -z "$one" ] || [ -z "$many" ]; then
    # Valgrind 3.19 stops with an internal SIGSEGV on the Swift binary (see BENCHMARKS.md).
    echo "$label: valgrind failed: $(grep -m1 -E 'INTERNAL ERROR|Giving up' bench/out/callgrind.log || echo 'no summary')"
    return 0
  fi
  printf '%-9s %8.0f instructions per row\n' "$label" \
    "$(awk -v a="$one" -v b="$many" -v n="$CG_ROWS" 'BEGIN {print (b - a) / (n - 1)}')"
}
echo "== callgrind: instructions per row ($CG_ROWS rows minus 1 row)"
per_row floor "$FLOOR"
per_row validate "$BIN" validate
[ -z "$BASE" ] || per_row base "$BASE" validate
