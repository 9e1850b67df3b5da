#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster, then stops the cluster and deletes it, whatever the
# command's outcome (its exit status is this script's).
#
#   scripts/with-postgres.sh swift test --skip-build --parallel
#   scripts/with-postgres.sh bash -c 'orderbatch run jobs/x.yaml --db "$ORDERBATCH_TEST_POSTGRES_URL"'
#
# The cluster: `initdb` in a new folder under ${TMPDIR:-/tmp}, its socket in that folder, listening on
# 127.0.0.1 only, on a free port, with trust authentication (loopback only, and gone when the command ends)
# and without fsync (nothing in it outlives the command). As root (CI) it runs as the `postgres` user, since
# PostgreSQL refuses to run as root. The command gets:
#   ORDERBATCH_TEST_POSTGRES_URL   postgresql://postgres@127.0.0.1:PORT/postgres
#   PGHOST PGPORT PGUSER           the same server, for psql
# Needs Debian's postgresql package (`make test` installs it when missing). Exit 69 when it cannot start one.
set -euo pipefail

die() { echo "with-postgres: $*" >&2; exit 69; }
[ $# -gt 0 ] || { echo "usage: scripts/with-postgres.sh COMMAND [ARGS...]" >&2; exit 64; }

bindir=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
  bindir="$(dirname "$(command -v initdb)")"
else
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
fi
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] ||
  die "initdb not found: install PostgreSQL (apt-get install postgresql), or run make test, which does"

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

dir="$(mktemp -d "${TMPDIR:-/tmp}/orderbatch-pg.XXXXXX")"
chmod 755 "$dir"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user to run the server as"
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi

started=""
cleanup() {
  if [ -n "$started" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; die "initdb failed"; }
for attempt in 1 2 3; do
  port="$(free_port)" || die "no free port on 127.0.0.1"
  if "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null 2>&1; then
    started=1
    break
  fi
  # Another process took the port between the probe and the start: try another.
done
[ -n "$started" ] || { cat "$dir/server.log" >&2 2>/dev/null || true; die "the server did not start"; }

export ORDERBATCH_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
echo "with-postgres: PostgreSQL on $ORDERBATCH_TEST_POSTGRES_URL (stopped when the command ends)" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
