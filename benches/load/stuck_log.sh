#!/usr/bin/env bash
# The echo bot with its standard output into a pipe that nobody reads (a stuck log collector):
# wrk -t2 -c32 -d5s on 127.0.0.1, then its metrics. Before issue 23, a request wrote its log line
# itself and waited on the full pipe: the server stopped answering. Now the lines are dropped and
# counted (webhook_log_lines_dropped_total), and the requests answered.
#
#   benches/load/stuck_log.sh [ECHO_BOT_BINARY] [VAR=value...]
#   benches/load/stuck_log.sh target/release-lto/examples/echo_bot WEBHOOK_LOG_FORMAT=json
#
# Without a binary, builds examples/echo_bot.rs (PROFILE, default release-lto). PORT: default
# 18020. Only 127.0.0.1 is ever targeted.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"

PROFILE="${PROFILE:-release-lto}"
PORT="${PORT:-18020}"
if [[ $# -gt 0 && "$1" != *=* ]]; then
    bin="$1"
    shift
else
    (cd "$root" && cargo build --profile "$PROFILE" --locked --quiet --example echo_bot)
    bin="${CARGO_TARGET_DIR:-$root/target}/$PROFILE/examples/echo_bot"
fi
if listening "$PORT"; then
    echo "stuck_log.sh: 127.0.0.1:$PORT is already in use; set PORT" >&2
    exit 1
fi

scratch_and_servers_cleanup

DATE="Thu, 13 Sep 2018 11:48:13 GMT"
signed_notification_lua bench "$DATE" "$root/tests/fixtures/step_reached_small.json" >"$work/post.lua"
mkfifo "$work/log"
# Holds the pipe's reading end open and reads nothing: the pipe fills (64 KiB) and stays full.
sleep 600 <"$work/log" &
pids+=($!)
env WEBHOOK_ADDR="127.0.0.1:$PORT" WEBHOOK_PRIVATE_KEY=bench WEBHOOK_REQUEST_MAX_AGE=none \
    WEBHOOK_METRICS_TOKEN=bench-metrics RUST_LOG=info "$@" "$bin" >"$work/log" 2>"$work/err" &
pid=$!
pids+=("$pid")
wait_listening stuck_log.sh echo_bot "$PORT" "$pid" "$work/err"
wrk -t2 -c32 -d5s --timeout 2s -s "$work/post.lua" "http://127.0.0.1:$PORT/" >"$work/wrk"
echo "== $bin $* (RUST_LOG=info unless given), standard output stuck:"
awk '/requests in/ { print "   " $1 " requests answered in 5 s" } /Socket errors/ { print "   " $0 }' "$work/wrk"
if curl -sS --max-time 3 -o "$work/metrics" -H 'Authorization: Bearer bench-metrics' \
    "http://127.0.0.1:$PORT/metrics"; then
    grep '^webhook_log_lines_dropped_total\|^webhook_requests_total{route="/"' "$work/metrics" | sed 's/^/   /'
else
    echo "   /metrics: no answer within 3 s"
fi
