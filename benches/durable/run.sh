#!/usr/bin/env bash
# Throughput of a durable route against the same handler inline, side by side in one run:
# examples/durable_hook.rs (release), wrk with 32 connections and a unique Webhook-Id a request,
# rounds of /fast then /events on one server, on the embedded store and on PostgreSQL.
#
#   benches/durable/run.sh [SECONDS_A_ROUND] [ROUNDS]        (default 10 s, 2 rounds)
#   WEBHOOK_INBOX_BATCH_SIZE=1 benches/durable/run.sh        (the batch size's effect)
#   CONNECTIONS=256 benches/durable/run.sh                   (wrk's connections, default 32:
#                                                              more events share a commit)
#   BASELINE=path/to/durable_hook benches/durable/run.sh     (another build of the example, such
#                                                              as the previous commit's, benched
#                                                              after this one on each store)
#
# PostgreSQL: a throwaway cluster (scripts/postgres.sh) with fsync on, as in production: a
# commit reaches the disk before the 202, on both stores.
# Prints wrk's requests/s and latency percentiles, the server's peak RSS, the durable route's
# best round against `/fast`'s, and against the ceiling the disk sets: the fsync latency L of
# the store's directory measured in the same run, and connections / L.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=benches/lib.sh
. benches/lib.sh
seconds="${1:-10}"
rounds="${2:-2}"
connections="${CONNECTIONS:-32}"
export CARGO_INCREMENTAL=0
cargo build --release --locked --example durable_hook >/dev/null
program="${CARGO_TARGET_DIR:-$PWD/target}/release/examples/durable_hook"
script="$PWD/benches/durable/unique_id.lua"

eval "$(WEBHOOK_PG_FSYNC=on scripts/postgres.sh start)"
started_pg="$PG_SCRATCH_DIR"
work="$(mktemp -d)"
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  [ -n "$started_pg" ] && scripts/postgres.sh stop "$started_pg"
  rm -rf "$work"
}
trap cleanup EXIT

# The disk's commit latency L where a store keeps its files: a 4 KiB write and its fsync,
# median of 200 (then their 99th percentile and the slowest, in milliseconds). A request is
# answered once its batch's commit is on disk, so at C connections no durable store passes
# C / L events a second (each connection waits a commit a request); and every request waiting
# for a commit waits for a slow fsync too, so the disk's tail is the p99's floor.
fsync_ms() {
  python3 - "$1" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], ".fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
times = []
for _ in range(200):
    os.pwrite(fd, b"x" * 4096, 0)
    start = time.perf_counter()
    os.fsync(fd)
    times.append(time.perf_counter() - start)
os.close(fd)
os.unlink(path)
times.sort()
print(f"{times[len(times) // 2] * 1000:.3f} {times[len(times) * 99 // 100] * 1000:.3f} {times[-1] * 1000:.3f}")
PY
}

# Prints the ceiling for `connections` with the fsync latency measured in directory $1, and the
# durable route's best round against it.
ceiling() {
  local dir="$1" label="$2" best="$3" latency tail slowest
  read -r latency tail slowest < <(fsync_ms "$dir")
  awk -v c="$connections" -v l="$latency" -v b="$best" -v label="$label" -v p99="$tail" -v max="$slowest" 'BEGIN {
    ceiling = c / (l / 1000)
    printf "%s: fsync %.3f ms (median of 200, 4 KiB; p99 %.3f ms, slowest %.3f ms) -> ceiling %d connections / L = %.0f events/s; /events best round %.0f = %.0f %% of it\n", label, l, p99, max, c, ceiling, b, 100 * b / ceiling
  }'
}

bench_store() {
  local label="$1" store="$2" program="${3:-$program}" port addr
  port="$(free_port)"
  addr="127.0.0.1:$port"
  mkdir -p "$work/$label"
  (
    cd "$work/$label"
    if [ -n "$store" ]; then export WEBHOOK_STORE="$store"; else unset WEBHOOK_STORE; fi
    WEBHOOK_ADDR="$addr" WEBHOOK_REQUEST_SPANS=false RUST_LOG=warn exec "$program"
  ) &
  server=$!
  for _ in $(seq 100); do
    curl -sf "http://$addr/readyz" >/dev/null && break
    sleep 0.1
  done
  echo "== $label (batch size ${WEBHOOK_INBOX_BATCH_SIZE:-128}, $connections connections, ${seconds}s a round)"
  best_events=0
  best_fast=0
  for round in $(seq "$rounds"); do
    for path in /fast /events; do
      result="$(wrk -t 2 -c "$connections" -d "${seconds}s" --latency -s "$script" "http://$addr$path")"
      rps="$(awk '/Requests\/sec/ {print $2}' <<<"$result")"
      if [ "$path" = /events ]; then
        best_events="$(awk -v a="$best_events" -v b="$rps" 'BEGIN { print (b > a ? b : a) }')"
      else
        best_fast="$(awk -v a="$best_fast" -v b="$rps" 'BEGIN { print (b > a ? b : a) }')"
      fi
      p50="$(awk '$1 == "50%" {print $2}' <<<"$result")"
      p99="$(awk '$1 == "99%" {print $2}' <<<"$result")"
      errors="$(grep -E 'Non-2xx|Socket errors' <<<"$result" | tr '\n' ' ' || true)"
      printf '%-8s round %s %-8s %10s req/s  p50 %8s  p99 %8s  %s\n' \
        "$label" "$round" "$path" "$rps" "$p50" "$p99" "$errors"
    done
  done
  echo "$label peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$server/status")"
  awk -v e="$best_events" -v f="$best_fast" -v label="$label" \
    'BEGIN { printf "%s: /events best round %.0f = %.1f %% of /fast best round %.0f\n", label, e, 100 * e / f, f }'
  if [ -n "$store" ]; then
    ceiling "$PG_SCRATCH_DIR" "$label" "$best_events"
  else
    ceiling "$work/$label" "$label" "$best_events"
  fi
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

bench_store sqlite ""
[ -n "${BASELINE:-}" ] && bench_store sqlite-baseline "" "$BASELINE"
# Each PostgreSQL run on a database of its own (the cluster's URL names `postgres`).
fresh_database() {
  psql -q "$WEBHOOK_TEST_POSTGRES_URL" -c "CREATE DATABASE $1" >/dev/null
  echo "${WEBHOOK_TEST_POSTGRES_URL%/*}/$1"
}
bench_store postgres "$(fresh_database bench_current)"
[ -n "${BASELINE:-}" ] && bench_store postgres-baseline "$(fresh_database bench_baseline)" "$BASELINE"
exit 0
