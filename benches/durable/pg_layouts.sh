#!/usr/bin/env bash
# What an event costs PostgreSQL in three layouts of the store's tables, before anyone writes a
# migration: the tables as they are (pg_layouts/current.sql), an end kept as rows only with no
# UPDATE of the event (end_row.sql), and the payload in a table of its own so that an end
# updates a smaller row with fewer indexes (payload_apart.sql). Each layout gets a database of
# its own, filled with 3,000 cycles first (54,000 events, then `VACUUM ANALYZE`); then pgbench
# runs one client on each in turn, round by round, each cycle inserting 18 events leased to a
# worker and ending the 18 of the previous cycle (pg_layouts/*.cycle.sql; the cycles of
# current and payload_apart end events the same way, since their state rows have the same
# columns: pgbench runs whole files), with `synchronous_commit = off` so that the
# figure is the database's work, not the disk's. Prints each round's cycles a second and each
# layout's median, and its ratio to the current one's.
#
#   benches/durable/pg_layouts.sh [ROUNDS] [SECONDS]     (default 5 rounds of 8 s)
#   WEBHOOK_TEST_POSTGRES_URL=postgres://user@127.0.0.1:port/postgres benches/durable/pg_layouts.sh
#        (a server of yours; otherwise a throwaway cluster, scripts/postgres.sh)
#
# Needs pgbench and psql (Debian: postgresql-client). Only 127.0.0.1 is used.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-5}"
seconds="${2:-8}"
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$rounds" -le 20 ]] || { echo "pg_layouts.sh: ROUNDS is 1 to 20" >&2; exit 2; }
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$seconds" -le 60 ]] || { echo "pg_layouts.sh: SECONDS is 1 to 60" >&2; exit 2; }
for tool in pgbench psql; do
  command -v "$tool" >/dev/null || { echo "pg_layouts.sh: $tool is needed (apt-get install postgresql-client)" >&2; exit 2; }
done
started_pg=""
if [ -z "${WEBHOOK_TEST_POSTGRES_URL:-}" ]; then
  eval "$(WEBHOOK_PG_FSYNC=on "$root/scripts/postgres.sh" start)"
  started_pg="$PG_SCRATCH_DIR"
fi
server="${WEBHOOK_TEST_POSTGRES_URL%/*}"
layouts=(current end_row payload_apart)
suffix="$(date +%s)"
cleanup() {
  for layout in "${layouts[@]}"; do
    psql -q "$WEBHOOK_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS layout_${layout}_$suffix" >/dev/null 2>&1 || true
  done
  [ -z "$started_pg" ] || "$root/scripts/postgres.sh" stop "$started_pg"
}
trap cleanup EXIT

# Cycles a second of pgbench on LAYOUT's database: -t N cycles, or -T seconds.
cycles() { # layout -t|-T count
  PGOPTIONS='-c synchronous_commit=off' pgbench -n -c 1 "$2" "$3" -D plo=0 -D phi=-1 \
    -f "$here/pg_layouts/$1.cycle.sql" "$server/layout_${1}_$suffix" 2>&1 |
    awk '/^tps = / {printf "%.0f", $3; found = 1} END {exit !found}'
}

echo "PostgreSQL tables, three layouts: one pgbench client, 18 events inserted and 18 ended a cycle"
for layout in "${layouts[@]}"; do
  psql -q "$WEBHOOK_TEST_POSTGRES_URL" -c "CREATE DATABASE layout_${layout}_$suffix" >/dev/null
  # end_row.sql adds its table to the current ones.
  files=("$here/pg_layouts/$layout.sql")
  [ "$layout" != end_row ] || files=("$here/pg_layouts/current.sql" "${files[@]}")
  for file in "${files[@]}"; do
    PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 \
      "$server/layout_${layout}_$suffix" -f "$file" >/dev/null
  done
  cycles "$layout" -t 3000 >/dev/null
  # Vacuumed and analyzed once filled, so that no layout's first round pays autovacuum's pass.
  psql -q "$server/layout_${layout}_$suffix" -c "VACUUM ANALYZE" >/dev/null
done
declare -A results
for round in $(seq "$rounds"); do
  printf 'round %s' "$round"
  for layout in "${layouts[@]}"; do
    rate="$(cycles "$layout" -T "$seconds")"
    results[$layout]+="$rate "
    printf '   %s %6s cycles/s' "$layout" "$rate"
  done
  echo
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
base="$(median <<<"${results[current]}")"
for layout in "${layouts[@]}"; do
  m="$(median <<<"${results[$layout]}")"
  awk -v l="$layout" -v m="$m" -v b="$base" \
    'BEGIN {printf "%-14s median %6.0f cycles/s = %7.0f events/s   %.2f x current\n", l, m, 18 * m, m / b}'
done
