#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the durable routes' tests, on a free loopback port in a
# temporary directory, trusting 127.0.0.1 (no password): nothing to leave behind.
#
#   eval "$(scripts/postgres.sh start)"   # exports WEBHOOK_TEST_POSTGRES_URL and PG_SCRATCH_DIR
#   scripts/postgres.sh stop "$PG_SCRATCH_DIR"
#
# fsync is off (a test cluster loses nothing that matters in a crash); WEBHOOK_PG_FSYNC=on keeps
# it on, for benchmarks whose commits must reach the disk.
#
# initdb refuses to run as root: as root, the cluster is run by the `postgres` user (runuser or
# su), in a directory it owns.
set -euo pipefail

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

start() {
  local dir port
  dir="$(mktemp -d "${TMPDIR:-/tmp}/webhook-pg.XXXXXX")"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
  fi
  chmod 700 "$dir"
  as_owner initdb -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  port="$(free_port)"
  # Loopback only; no Unix socket outside the scratch directory.
  as_owner pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=${WEBHOOK_PG_FSYNC:-off} -c max_connections=300" \
    start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "export WEBHOOK_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "export PG_SCRATCH_DIR=$dir"
}

stop() {
  local dir="${1:-${PG_SCRATCH_DIR:-}}"
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
    echo "usage: $0 stop DIR (the PG_SCRATCH_DIR that start printed)" >&2
    exit 2
  fi
  as_owner pg_ctl -D "$dir/data" -m immediate -w stop >/dev/null || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
