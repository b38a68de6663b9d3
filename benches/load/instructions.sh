#!/usr/bin/env bash
# Instructions a request, counted by valgrind's callgrind: the hand-written baseline and the
# echo bot at each log setting, serving the same signed notification over one keep-alive
# connection on 127.0.0.1. Unlike requests a second or CPU time, the count does not depend on
# what else the machine runs: it tells apart changes of a few hundred instructions that the
# load test's noise hides. It counts user-space instructions only (every thread of the server,
# the log's writer included): not the kernel's work, not cache misses, not waiting.
#
#   benches/load/instructions.sh                 # 500 requests a case, profile release-lto
#   REQUESTS=2000 FIXTURE=tests/fixtures/step_reached.json benches/load/instructions.sh
#   ECHO_BIN=/path/to/an/earlier/echo_bot benches/load/instructions.sh
#
# Environment: REQUESTS (counted, after 50 not counted; default 500, at most 100000),
# FIXTURE (default tests/fixtures/step_reached_small.json), PROFILE (default release-lto),
# PORT (default 18040), ECHO_BIN (as for run.sh). Needs valgrind (apt-get install valgrind).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"

REQUESTS="${REQUESTS:-500}"
FIXTURE="$root/${FIXTURE:-tests/fixtures/step_reached_small.json}"
PROFILE="${PROFILE:-release-lto}"
PORT="${PORT:-18040}"
KEY="bench"
DATE="Thu, 13 Sep 2018 11:48:13 GMT"
[[ "$REQUESTS" =~ ^[0-9]+$ ]] && ((REQUESTS > 0 && REQUESTS <= 100000)) ||
    { echo "instructions.sh: REQUESTS is a number from 1 to 100000" >&2; exit 2; }
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null ||
    { echo "instructions.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }

scratch_and_servers_cleanup
build_echo_and_baseline instructions.sh "$root"
signature="$(notification_signature "$KEY" "$DATE" "$FIXTURE")"

# Sends COUNT signed notifications on one keep-alive connection; each must be answered 200.
send() { # count
    python3 - "$PORT" "$1" "$FIXTURE" "$signature" "$DATE" <<'PY'
import http.client, sys
port, count, fixture, signature, date = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]
body = open(fixture, "rb").read()
headers = {"Content-Type": "application/json", "Date": date, "X-Hub-Signature": signature}
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for _ in range(count):
    connection.request("POST", "/", body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        sys.exit(f"instructions.sh: answered {answer.status}")
PY
}

# Sets `result` to the instructions a request of BINARY with the VAR=value settings given.
count() { # name binary [VAR=value...]
    local name="$1" binary="$2" pid try total
    shift 2
    env WEBHOOK_ADDR="127.0.0.1:$PORT" WEBHOOK_PRIVATE_KEY="$KEY" WEBHOOK_REQUEST_MAX_AGE=none \
        "$@" valgrind --tool=callgrind --callgrind-out-file="$work/$name.%p" "$binary" \
        >"$work/$name.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    # valgrind takes seconds to start a large program.
    for try in $(seq 1 600); do
        listening "$PORT" && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
        ((try < 600)) || { echo "instructions.sh: $name does not listen" >&2; exit 1; }
        sleep 0.1
    done
    send 50
    callgrind_control --zero "$pid" >/dev/null 2>&1
    send "$REQUESTS"
    callgrind_control --dump "$pid" >/dev/null 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    # The dump after the zero holds what the counted requests cost.
    total="$(awk '/^summary:/ { print $2 }' "$work/$name.$pid.1")"
    result=$((total / REQUESTS))
}

echo "== $REQUESTS requests a case, $(basename "$FIXTURE"), profile $PROFILE"
count baseline "$baseline_bin" RUST_LOG=warn
baseline="$result"
printf '%-44s %10s %8s\n' "server, settings" "instr/req" "/ base"
printf '%-44s %10d %8s\n' "baseline (RUST_LOG=warn)" "$baseline" "1.000"
for case in "RUST_LOG=warn" "RUST_LOG=info" "RUST_LOG=info WEBHOOK_LOG_FORMAT=json"; do
    # shellcheck disable=SC2086 # the settings are words
    count echo "$echo_bin" $case
    instructions="$result"
    printf '%-44s %10d %8s\n' "echo bot ($case)" "$instructions" \
        "$(awk -v a="$instructions" -v b="$baseline" 'BEGIN { printf "%.3f", a / b }')"
done
