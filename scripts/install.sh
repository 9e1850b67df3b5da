#!/usr/bin/env bash
# Installs orderbatch under a prefix: the binary, bash/zsh/fish completions and a man page.
#   scripts/install.sh DEST        DEST is $(DESTDIR)$(PREFIX), e.g. /usr/local or /tmp/pkg/usr/local
# Environment (set by `make install`):
#   BIN=path     the binary to install; default: build one with `swift build -c release`
#   MAN=plugin   the man page from swift-argument-parser's generate-manual plugin (builds its tool; offline
#                from the package's checkouts), falling back to MAN=help when the plugin fails
#   MAN=help     the man page from the commands' --help texts (scripts/man-from-help.sh), no build
#   SWIFT=swift  the toolchain's driver
# Writes DEST/bin/orderbatch, DEST/share/bash-completion/completions/orderbatch,
# DEST/share/zsh/site-functions/_orderbatch, DEST/share/fish/vendor_completions.d/orderbatch.fish and
# DEST/share/man/man1/orderbatch.1, then runs the installed binary's --version. Exit 0 installed, 1 a step
# failed (named), 64 bad arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: scripts/install.sh DEST" >&2; exit 64; }
dest=$1
SWIFT=${SWIFT:-swift}
MAN=${MAN:-plugin}
case "$MAN" in plugin | help) ;; *) echo "install: MAN must be plugin or help (got $MAN)" >&2; exit 64 ;; esac

bin=${BIN:-}
if [ -z "$bin" ]; then
    "$SWIFT" build -c release
    bin=.build/release/orderbatch
fi
[ -x "$bin" ] || { echo "install: $bin is not an executable" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --generate-completion-script bash >"$work/orderbatch.bash"
"$bin" --generate-completion-script zsh >"$work/_orderbatch"
"$bin" --generate-completion-script fish >"$work/orderbatch.fish"

man_from=help
if [ "$MAN" = plugin ]; then
    outputs=.build/plugins/GenerateManual/outputs/orderbatch
    rm -f "$outputs/orderbatch.1"
    if "$SWIFT" package --disable-sandbox generate-manual --configuration release >"$work/plugin.log" 2>&1 \
        && [ -s "$outputs/orderbatch.1" ]; then
        cp "$outputs/orderbatch.1" "$work/orderbatch.1"
        man_from=plugin
    else
        echo "install: the generate-manual plugin failed (see below); the man page comes from the help texts" >&2
        tail -5 "$work/plugin.log" >&2
    fi
fi
[ "$man_from" = plugin ] || ./scripts/man-from-help.sh "$bin" >"$work/orderbatch.1"

install -d "$dest/bin" "$dest/share/bash-completion/completions" "$dest/share/zsh/site-functions" \
    "$dest/share/fish/vendor_completions.d" "$dest/share/man/man1"
install -m 0755 "$bin" "$dest/bin/orderbatch"
install -m 0644 "$work/orderbatch.bash" "$dest/share/bash-completion/completions/orderbatch"
install -m 0644 "$work/_orderbatch" "$dest/share/zsh/site-functions/_orderbatch"
install -m 0644 "$work/orderbatch.fish" "$dest/share/fish/vendor_completions.d/orderbatch.fish"
install -m 0644 "$work/orderbatch.1" "$dest/share/man/man1/orderbatch.1"
version=$("$dest/bin/orderbatch" --version)
echo "installed orderbatch $version under $dest (bin, bash/zsh/fish completions, man page from the $man_from)"
