#!/usr/bin/env bash
# Two builds of examples/durable_hook.rs side by side, alternated round by round: each round
# starts each build afresh on a store of its own, runs wrk against `/events` (a unique
# Webhook-Id a request), and prints its requests/s, where the CPU went (each thread of the
# server, from /proc, and wrk's) as a share of one core over the run, and its group commits
# (the events a batch and a batch's mean time to its commit, from the server's metrics
# `webhook_inbox_batch_events` and `webhook_inbox_batch_duration_seconds`: a slower disk shows
# there first).
#
#   benches/durable/ab.sh A_BINARY B_BINARY [ROUNDS] [SECONDS]      (default 3 rounds of 5 s)
#   CONNECTIONS=256 benches/durable/ab.sh ...                       (default 32)
#   POSTGRES_URL=postgres://user@127.0.0.1:port/postgres benches/durable/ab.sh ...
#        (each run on a new database of that server; the embedded store otherwise)
#
# The builds: `cargo build --release --example durable_hook` and a copy of the binary, once
# before and once after a change. Only 127.0.0.1 is used.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"
[ $# -ge 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
a="$1"
b="$2"
rounds="${3:-3}"
seconds="${4:-5}"
connections="${CONNECTIONS:-32}"
[ "$rounds" -le 20 ] || { echo "ab.sh: at most 20 rounds" >&2; exit 2; }
command -v wrk >/dev/null || { echo "ab.sh: wrk is needed (apt-get install wrk)" >&2; exit 2; }
script="$here/unique_id.lua"
ticks="$(getconf CLK_TCK)"

# CPU ticks by thread name (user + system) of process $1.
threads() {
  for task in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ <"$task/comm")" "$(awk '{print $14 + $15}' "$task/stat")"
  done | awk '{sum[$1] += $2} END {for (name in sum) print name, sum[name]}' | sort
}

# One run of binary $1: "req/s  thread=share ... wrk=share".
run() {
  local binary="$1" work port metrics_port server store=""
  work="$(mktemp -d)"
  port="$(free_port)"
  metrics_port="$(free_port)"
  while [ "$metrics_port" = "$port" ]; do metrics_port="$(free_port)"; done
  if [ -n "${POSTGRES_URL:-}" ]; then
    local database="ab_$(date +%s%N)"
    psql -q "$POSTGRES_URL" -c "CREATE DATABASE $database" >/dev/null
    store="${POSTGRES_URL%/*}/$database"
  fi
  (
    cd "$work"
    if [ -n "$store" ]; then export WEBHOOK_STORE="$store"; else unset WEBHOOK_STORE; fi
    WEBHOOK_ADDR="127.0.0.1:$port" WEBHOOK_METRICS_ADDR="127.0.0.1:$metrics_port" \
      WEBHOOK_REQUEST_SPANS=false RUST_LOG=warn exec "$binary" >server.log 2>&1
  ) &
  server=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
  done
  threads "$server" >"$work/before"
  local started wrk_ticks
  started="$(awk '{print $16 + $17}' "/proc/$$/stat")"
  wrk -t2 -c"$connections" -d"${seconds}s" -s "$script" "http://127.0.0.1:$port/events" >"$work/wrk.out"
  # wrk's CPU: the ticks of the script's children waited for (wrk is the one in between).
  wrk_ticks="$(( $(awk '{print $16 + $17}' "/proc/$$/stat") - started ))"
  threads "$server" >"$work/after"
  # The group commits of the run (a build without the metric prints nothing).
  curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics" 2>/dev/null || true
  kill "$server"
  wait "$server" 2>/dev/null || true
  local rps
  rps="$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")"
  printf '%10s req/s  ' "$rps"
  join "$work/before" "$work/after" | awk -v s="$seconds" -v hz="$ticks" \
    '$3 > $2 {printf "%s %.0f%%  ", $1, 100 * ($3 - $2) / hz / s}'
  awk -v t="$wrk_ticks" -v s="$seconds" -v hz="$ticks" 'BEGIN {printf "wrk %.0f%%  ", 100 * t / hz / s}'
  awk '/^webhook_inbox_batch_events_sum / {events = $2}
       /^webhook_inbox_batch_events_count / {batches = $2}
       /^webhook_inbox_batch_duration_seconds_sum / {time = $2}
       END {if (batches > 0) printf "%.1f events/batch  %.2f ms/batch", events / batches, 1000 * time / batches; print ""}' \
    "$work/metrics"
  rm -rf "$work"
}

store_name="SQLite"
[ -n "${POSTGRES_URL:-}" ] && store_name="PostgreSQL"
echo "durable_hook A/B, /events, $connections connections, ${seconds} s a run, $store_name"
echo "A: $a"
echo "B: $b"
for round in $(seq "$rounds"); do
  printf 'round %s A ' "$round"; run "$a"
  printf 'round %s B ' "$round"; run "$b"
done
