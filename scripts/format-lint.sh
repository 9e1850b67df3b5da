#!/usr/bin/env bash
# Checks the code against .swift-format with the toolchain's own `swift format` (no package dependency).
#   scripts/format-lint.sh            lint Sources, Tests and Package.swift; exit 1 on any finding
#   scripts/format-lint.sh --summary  the same, then the number of findings per rule
# To fix what can be fixed mechanically: swift format --in-place --recursive Sources Tests Package.swift
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
if ! "$SWIFT" format --version >/dev/null 2>&1; then
    echo "format-lint: '$SWIFT format' is not available; it ships with Swift 6 toolchains" >&2
    exit 2
fi
if [ "${1:-}" = "--summary" ]; then
    # swift format 6.3 repeats some findings (DoNotUseSemicolons inside switch cases); count each once.
    out="$(mktemp)"
    trap 'rm -f "$out"' EXIT
    "$SWIFT" format lint --strict --recursive Sources Tests Package.swift 2>"$out"
    rc=$?
    cat "$out" >&2
    echo "format-lint: $(grep ': error: \[' "$out" | sort -u | grep -c .) findings" >&2
    grep ': error: \[' "$out" | sort -u | grep -o ': error: \[[A-Za-z]*\]' | sed 's/.*\[\(.*\)\]/\1/' | sort | uniq -c | sort -rn >&2
    exit $rc
fi
exec "$SWIFT" format lint --strict --recursive Sources Tests Package.swift
