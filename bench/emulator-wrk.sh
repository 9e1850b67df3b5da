#!/usr/bin/env bash
# Measures the emulator's capacity on Juspay Update Order (POST /orders/{id}) with wrk.
#
# Builds the release `orderbatch` binary, starts `orderbatch emulator --port $PORT --rate-limits off`
# (plus $EMULATOR_ARGS, e.g. "--latency juspay"), waits for its "emulator listening on" line, runs
# `wrk -t$THREADS -c$CONNECTIONS -d$DURATION`, prints the emulator's stats, and stops it with SIGTERM.
#
# Each wrk thread cycles through 1000 order ids, so no two in-flight requests share an order
# (which would be a Juspay DUPLICATE_REQUEST) and the order book stays small.
# With --latency juspay, expect throughput ≈ CONNECTIONS / EmulatorLatency.juspayMeanMilliseconds
# (≈ 106 ms), i.e. ≈ 600 req/s for 64 connections.
#
# Usage: bench/emulator-wrk.sh            (env: PORT THREADS CONNECTIONS DURATION EMULATOR_ARGS SCRATCH)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
SCRATCH=${SCRATCH:-.build}
EMULATOR_ARGS=${EMULATOR_ARGS:-}
API_KEY=${JUSPAY_API_KEY:-jp_demo_key}   # the emulator's documented demo key when unset
MERCHANT=${JUSPAY_MERCHANT_ID:-merchant_bench}   # the emulator then accepts only this x-merchantid
BASE="http://127.0.0.1:$PORT"

# Same as `swift run -c release orderbatch emulator …`, but built first so the server's pid is ours to stop.
swift build -c release --scratch-path "$SCRATCH" --product orderbatch
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/orderbatch"

WORK=$(mktemp -d)
# The emulator prints one "emulator listening on http://…" line on stdout once it serves, and exits 0
# on SIGTERM. --port 0 would pick a free port; a fixed one keeps wrk's command line simple.
# shellcheck disable=SC2086
"$BIN" emulator --port "$PORT" --rate-limits off $EMULATOR_ARGS >"$WORK/emulator.out" 2>"$WORK/emulator.log" &
SERVER=$!
trap 'kill -TERM "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

for _ in $(seq 100); do
    grep -q '^emulator listening on ' "$WORK/emulator.out" && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/emulator.log" >&2; exit 1; }
    sleep 0.1
done
grep -q '^emulator listening on ' "$WORK/emulator.out" || { echo "emulator did not start" >&2; cat "$WORK/emulator.log" >&2; exit 1; }
cat "$WORK/emulator.out" "$WORK/emulator.log"

AUTH=$(printf '%s:' "$API_KEY" | base64 -w0)
cat >"$WORK/juspay-update.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Basic $AUTH"
wrk.headers["x-merchantid"] = "$MERCHANT"
wrk.headers["x-routing-id"] = "customer_bench"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "amount=90.00&udf1=bench"

local threads = {}
local next_id = 0
function setup(thread)
    thread:set("tid", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

local counter = 0
statuses = {}
function request()
    counter = counter + 1
    return wrk.format(nil, "/orders/B" .. tid .. "x" .. (counter % 1000))
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    for _, thread in ipairs(threads) do
        local counts = thread:get("statuses")
        for status, count in pairs(counts) do
            io.write(string.format("thread %d: HTTP %d x %d\n", thread:get("tid"), status, count))
        end
    end
end
LUA

wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/juspay-update.lua" "$BASE"
echo "emulator stats:"
curl -s "$BASE/__emulator/stats" | sed 's/"appliedByOrder":{[^}]*},//'
echo
kill -TERM "$SERVER"
wait "$SERVER" && echo "emulator exited 0 on SIGTERM" || echo "emulator exited $? on SIGTERM" >&2
trap 'rm -rf "$WORK"' EXIT
