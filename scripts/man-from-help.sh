#!/usr/bin/env bash
# A man page (man(7) roff) from orderbatch's own --help texts, for when swift-argument-parser's
# generate-manual plugin cannot run: the root command's help, then each subcommand's, verbatim.
#   scripts/man-from-help.sh BIN > orderbatch.1
# Exit 0 written, 64 bad arguments, 1 the binary failed.
set -euo pipefail
[ $# -eq 1 ] && [ -x "$1" ] || { echo "usage: scripts/man-from-help.sh BIN" >&2; exit 64; }
bin=$1
export COLUMNS=78
# roff: a backslash is written \e; a line starting with . or ' is protected with \&.
escape() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
version=$("$bin" --version)
abstract=$(COLUMNS=1000 "$bin" --help | sed -n 's/^OVERVIEW: //p' | head -1 | escape)
subcommands=$("$bin" --help | awk '/^SUBCOMMANDS:/ {on=1; next} on && /^  [a-z]/ {print $1}' | grep -v '^help$')
echo ".TH ORDERBATCH 1 \"$(date -u +%Y-%m-%d)\" \"orderbatch $version\" \"User Commands\""
echo ".SH NAME"
echo "orderbatch \\- $abstract"
echo ".SH SYNOPSIS"
echo ".B orderbatch"
echo ".I subcommand"
echo "[options]"
echo ".SH DESCRIPTION"
echo ".nf"
"$bin" --help | escape
echo ".fi"
echo ".SH COMMANDS"
for command in $subcommands; do
    echo ".SS orderbatch $command"
    echo ".nf"
    "$bin" "$command" --help | escape
    echo ".fi"
done
echo ".SH SEE ALSO"
echo "The README of the orderbatch repository: job files, exit codes, how a run behaves."
