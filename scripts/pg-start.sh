#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the tests and prints
# the DSN. Usage: eval "$(scripts/pg-start.sh)"  →  exports YIZHAN_PG_DSN.
# The cluster lives in a temp dir, runs as user postgres, with fsync off: it is
# for tests only and is thrown away.
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "pg-start: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
PORT=${YIZHAN_PG_PORT:-55432}
BASE=$(mktemp -d /tmp/yizhan-pg.XXXXXX)
chown postgres "$BASE" 2>/dev/null || true
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
run "$PGBIN/initdb -D $BASE/data -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8" >"$BASE/initdb.log" 2>&1 \
  || run "$PGBIN/initdb -D $BASE/data -U postgres -A trust --no-sync -E UTF8" >"$BASE/initdb.log" 2>&1
run "$PGBIN/pg_ctl -D $BASE/data -l $BASE/pg.log -w -o \"-p $PORT -k $BASE -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start" >/dev/null
echo "export YIZHAN_PG_DSN='postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable'"
echo "export YIZHAN_PG_DATA='$BASE/data'"
