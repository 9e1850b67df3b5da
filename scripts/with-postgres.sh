#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster, then stops the cluster and deletes it, whatever the
# command's outcome (its exit status is this script's).
#
#   scripts/with-postgres.sh swift test --skip-build --parallel
#   scripts/with-postgres.sh bash -c 'orderbatch run jobs/x.yaml --db "$ORDERBATCH_TEST_POSTGRES_URL"'
#
# The cluster (scripts/pg-cluster.sh): `initdb` in a new folder under ${TMPDIR:-/tmp}, its socket in that
# folder, listening on 127.0.0.1 only, on a free port, with trust authentication (loopback only, and gone
# when the command ends) and without fsync (nothing in it outlives the command). As root (CI) it runs as
# the `postgres` user, since PostgreSQL refuses to run as root. The command gets:
#   ORDERBATCH_TEST_POSTGRES_URL   postgresql://postgres@127.0.0.1:PORT/postgres
#   PGHOST PGPORT PGUSER           the same server, for psql
# Needs Debian's postgresql package (`make test` installs it when missing). Exit 69 when it cannot start one.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: scripts/with-postgres.sh COMMAND [ARGS...]" >&2; exit 64; }
cluster="$(cd "$(dirname "$0")" && pwd)/pg-cluster.sh"

dir="$(mktemp -d "${TMPDIR:-/tmp}/orderbatch-pg.XXXXXX")"
cleanup() { "$cluster" delete "$dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url="$("$cluster" start "$dir")" || { echo "with-postgres: the server did not start" >&2; exit 69; }
port="${url##*:}"
port="${port%%/*}"

export ORDERBATCH_TEST_POSTGRES_URL="$url"
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
echo "with-postgres: PostgreSQL on $ORDERBATCH_TEST_POSTGRES_URL (stopped when the command ends)" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
