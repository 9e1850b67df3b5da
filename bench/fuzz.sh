#!/usr/bin/env bash
# Fuzzes the three parsers that read what users hand to orderbatch, with libFuzzer:
#   json-parser  JSONValue.parse (OrderBatchJSON): JSONL rows, provider responses, stored payloads
#   csv-reader   CSVReader (libcsv + the plain-line splitter): input files
#   job-parser   JobParser.parse (Yams): job files
#
#   bench/fuzz.sh [SECONDS]        build, then run each target SECONDS (default 180); not in CI
#   TARGETS="csv-reader" bench/fuzz.sh 60
#
# Build: the library is built by SwiftPM in release mode with `-Xswiftc -sanitize=fuzzer,address`
# (coverage instrumentation and ASan, no link) in its own scratch directory, .build/fuzz; each harness
# in bench/fuzz/ is then compiled with `swiftc -sanitize=fuzzer,address` and linked against those
# objects and the C libraries (libcsv, libsqlite3, libcurl, libcrypto). Harnesses must never trap:
# a parser may only return or throw. Corpora stay in .build/fuzz/corpus (seeded from samples/ and
# jobs/) so later runs start where earlier ones stopped; crash inputs go to .build/fuzz/artifacts.
#
# Prints, per target: executions, execs/s, corpus size (inputs/bytes), coverage and crashes.
# Exit status: 0 when no target crashed, 1 otherwise, 2 when the build failed.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-180}"
TARGETS="${TARGETS:-json-parser csv-reader job-parser}"
SWIFT="${SWIFT:-swift}"
SWIFTC="${SWIFTC:-swiftc}"
SCRATCH=.build/fuzz
BIN="$SCRATCH/harness"
ART="$SCRATCH/artifacts"
mkdir -p "$BIN" "$ART"

echo "== fuzz: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $("$SWIFT" --version 2>&1 | head -1)"
echo "== commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (modified)'), $SECONDS_EACH s per target"

echo "== building OrderBatchCore (release, fuzzer + address instrumentation) in $SCRATCH"
# Explicit flags rather than `--sanitize fuzzer --sanitize address`: with SwiftPM 6.3 a rebuild through
# --sanitize sometimes compiled with address alone, leaving the library without coverage counters.
# -sanitize=fuzzer on a compile that does not link only adds the instrumentation.
if ! "$SWIFT" build -c release --scratch-path "$SCRATCH" --target OrderBatchCore \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address 2>&1 | tail -3; then
    echo "fuzz: swift build failed" >&2
    exit 2
fi
REL="$SCRATCH/release"
# $REL is a symlink (release -> <triple>/release): the trailing slash makes find enter it.
mapfile -t OBJECTS < <(find "$REL/" -path '*.build/*.o' -type f | sort)
# grep reads all of nm's output: `grep -q` stops early, and under pipefail nm's SIGPIPE failed the check at random.
if ! nm "$REL/OrderBatchJSON.build/JSONParser.swift.o" 2>/dev/null | grep sancov >/dev/null; then
    echo "fuzz: the library objects carry no coverage instrumentation (sancov); rm -rf $SCRATCH and retry" >&2
    exit 2
fi
MODULE_MAPS=()
for m in "$REL"/*.build/module.modulemap Sources/C*/module.modulemap "$SCRATCH"/checkouts/*/Sources/*/include/module.modulemap; do
    [ -f "$m" ] && MODULE_MAPS+=(-Xcc "-fmodule-map-file=$m")
done

# libpq's header lives in its own folder (CLibPQ's shim includes <libpq-fe.h>); SwiftPM finds it through
# the target's pkg-config name, a hand-built harness through these flags.
PQ_CFLAGS=()
for f in $(pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql); do PQ_CFLAGS+=(-Xcc "$f"); done

build_harness() {  # name source
    "$SWIFTC" -O -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz_${1//-/_}" \
        -I "$REL/Modules" "${MODULE_MAPS[@]}" "${PQ_CFLAGS[@]}" "bench/fuzz/$2" "${OBJECTS[@]}" \
        -lcsv -lsqlite3 -lcurl -lcrypto -lpq -o "$BIN/$1" 2>&1 | grep -v "Cannot export local symbol '__asan"
    return "${PIPESTATUS[0]}"
}

seed() {  # name dir
    local dir=$2 f i=0
    [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return
    mkdir -p "$dir"
    case $1 in
    json-parser)
        for f in samples/*.jsonl; do
            while IFS= read -r line; do i=$((i + 1)); printf '%s' "$line" >"$dir/seed-$i"; done < <(head -20 "$f")
        done
        printf '%s' '{"a":[1.50,-0,1e400,"\u00e9\ud83d\ude00\/",true,false,null],"b":{"c":{}}}' >"$dir/seed-mixed"
        ;;
    csv-reader)  # two leading bytes: read size and field cap (see bench/fuzz/CSVReaderFuzz.swift)
        for f in samples/*.csv; do printf '\x20\x40' | cat - <(head -c 2000 "$f") >"$dir/seed-$(basename "$f")"; done
        printf '\x00\x10a,b\r\n"x\r\ny","z"""\n\n1,2\r3,4' >"$dir/seed-quotes"
        ;;
    job-parser)
        for f in jobs/*.yaml; do cp "$f" "$dir/seed-$(basename "$f")"; done
        ;;
    esac
}

status=0
SUMMARY=()
for name in $TARGETS; do
    case $name in
    json-parser) src=JSONParserFuzz.swift ;;
    csv-reader) src=CSVReaderFuzz.swift ;;
    job-parser) src=JobParserFuzz.swift ;;
    *) echo "fuzz: unknown target $name" >&2; exit 2 ;;
    esac
    echo "== $name: building $BIN/$name"
    build_harness "$name" "$src" || { echo "fuzz: harness $name failed to build" >&2; exit 2; }
    corpus="$SCRATCH/corpus/$name"
    seed "$name" "$corpus"
    before=$(ls "$ART" | grep -c "^$name-" || true)
    log="$SCRATCH/$name.log"
    cmd=("$BIN/$name" "$corpus" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048
        -max_len=4096 -print_final_stats=1 -detect_leaks=0 -artifact_prefix="$ART/$name-")
    echo "== $name: ${cmd[*]}"
    start=$(date +%s)
    ASAN_OPTIONS=detect_leaks=0 "${cmd[@]}" >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    after=$(ls "$ART" | grep -c "^$name-" || true)
    crashes=$((after - before))
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    line="$name: ${execs:-?} executions in ${took} s (${rate:-?}/s), corpus ${corp:-?} inputs/bytes, cov ${cov:-?}, crashes $crashes (libFuzzer exit $rc)"
    echo "$line"
    if [ "$crashes" -gt 0 ] || [ "$rc" -ne 0 ]; then
        status=1
        grep -E 'ERROR: |Fatal error|deadly signal|Test unit written' "$log" | head -8
        echo "   log: $log"
    fi
    SUMMARY+=("$line")
done
echo "== summary"
printf '%s\n' "${SUMMARY[@]}"
exit $status
