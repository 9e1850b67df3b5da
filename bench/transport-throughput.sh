#!/usr/bin/env bash
# CurlTransport throughput: requests/s of POSTs to the emulator's echo route on loopback
# (client and emulator share the machine's cores), release build.
# Usage: bench/transport-throughput.sh [REQUESTS] [CONCURRENCIES]   (default: 20000 "16,64")
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-.build-bench-transport}
export ORDERBATCH_TRANSPORT_BENCH=1 BENCH_REQUESTS=${1:-20000} BENCH_CONCURRENCY=${2:-16,64}
# -enable-testing: other test targets use @testable imports, which a plain release build refuses.
swift build -c release --build-tests -Xswiftc -enable-testing --scratch-path "$SCRATCH" >/dev/null
swift test -c release -Xswiftc -enable-testing --skip-build --scratch-path "$SCRATCH" --filter TransportThroughputBenchmark 2>&1 \
  | grep -E '^transport-throughput:|✘|error' || true
