#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a folder of its own, which a test or a drill can start, stop (as an
# operator or a crash would) and start again on the same port. scripts/with-postgres.sh is built on it.
#
#   scripts/pg-cluster.sh start DIR            initdb in DIR/data the first time, start the server on a free
#                                              loopback port (the same port again when DIR/port exists);
#                                              prints postgresql://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-cluster.sh stop DIR [MODE]      pg_ctl stop -m MODE (smart | fast | immediate; default fast)
#   scripts/pg-cluster.sh delete DIR           stop it (immediate) if running, then remove DIR
#
# The cluster: its socket in DIR, listening on 127.0.0.1 only, trust authentication (loopback only, and
# gone with DIR), no fsync (nothing in it outlives the test). As root (CI) the server runs as the `postgres`
# user, since PostgreSQL refuses to run as root. Needs Debian's postgresql package. Exit 69 when it cannot
# start one, 64 on bad arguments.
set -euo pipefail

die() { echo "pg-cluster: $*" >&2; exit 69; }
usage() { echo "usage: scripts/pg-cluster.sh start|stop|delete DIR [fast|immediate|smart]" >&2; exit 64; }
[ $# -ge 2 ] || usage
action=$1 dir=$2 mode=${3:-fast}

bindir=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
  bindir="$(dirname "$(command -v initdb)")"
else
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
fi
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] ||
  die "initdb not found: install PostgreSQL (apt-get install postgresql), or run make test, which does"

as_owner=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user to run the server as"
  as_owner=(runuser -u postgres --)
fi

# A free loopback port: bind port 0 and read what the kernel chose.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    for _ in $(seq 1 50); do
      p=$((20000 + RANDOM % 20000))
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    return 1
  fi
}

start() {
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ ${#as_owner[@]} -gt 0 ]; then
    chown postgres: "$dir"
    "${as_owner[@]}" test -x "$dir" ||
      die "the postgres user cannot reach $dir (a parent folder is private): use a folder under /tmp"
  fi
  if [ ! -d "$dir/data" ]; then
    "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  local port attempts=3
  # A restart keeps its port, so that URLs already handed out reach the server again.
  if [ -s "$dir/port" ]; then attempts=40; fi
  for _ in $(seq 1 "$attempts"); do
    if [ -s "$dir/port" ]; then port=$(cat "$dir/port"); else port="$(free_port)" || die "no free port on 127.0.0.1"; fi
    if "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null 2>&1; then
      echo "$port" >"$dir/port.tmp" && mv "$dir/port.tmp" "$dir/port"
      echo "postgresql://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    # Another process took the port between the probe and the start (or, on a restart, the old server's
    # socket is still closing): try again.
    sleep 0.25
  done
  cat "$dir/server.log" >&2 2>/dev/null || true
  die "the server did not start"
}

stop() {
  [ -d "$dir/data" ] || return 0
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m "$1" -w -t 60 stop >/dev/null 2>&1 || true
}

case $action in
  start) start ;;
  stop)
    case $mode in smart | fast | immediate) ;; *) usage ;; esac
    stop "$mode"
    ;;
  delete)
    stop immediate
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
