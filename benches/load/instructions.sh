#!/usr/bin/env bash
# Instructions a request, counted by valgrind's callgrind: the hand-written baseline and the
# echo bot at each log setting, serving the same signed notification over one keep-alive
# connection on 127.0.0.1. Unlike requests a second or CPU time, the count does not depend on
# what else the machine runs: it tells apart changes of a few hundred instructions that the
# load test's noise hides. It counts user-space instructions only (every thread of the server,
# the log's writer included): not the kernel's work, not waiting, and not cache misses unless
# CACHE=1 (a model of them, below).
#
#   benches/load/instructions.sh                 # 500 requests a case, profile release-lto
#   REQUESTS=2000 FIXTURE=tests/fixtures/step_reached.json benches/load/instructions.sh
#   ECHO_BIN=/path/to/an/earlier/echo_bot benches/load/instructions.sh
#   CACHE=1 benches/load/instructions.sh         # and the simulated misses, estimated cycles
#   CASES="RUST_LOG=warn;RUST_LOG=info,clustaar_webhook::access=warn" benches/load/instructions.sh
#                                                # the echo bot's cases: settings, `;` between cases
#
# Environment: REQUESTS (counted, after 50 not counted; default 500, at most 100000),
# FIXTURE (default tests/fixtures/step_reached_small.json), PROFILE (default release-lto),
# PORT (default 18040), ECHO_BIN (as for run.sh), CASES (above), CACHE (1: callgrind also simulates the caches
# and the branch predictor, and prints a request's I1 (first-level instruction cache) misses,
# D1 (first-level data cache) misses, mispredicted branches, and "est. cycles", the estimate
# KCachegrind uses: instructions + 10 x (first-level misses + mispredictions) + 100 x
# last-level misses. valgrind models one cache for all threads, so these are figures to compare
# between servers, not times; the estimate follows the CPU time a request that the load test
# measures where the instruction count alone does not: benches/README.md). Needs valgrind
# (apt-get install valgrind).
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
CACHE="${CACHE:-0}"
[[ "$REQUESTS" =~ ^[0-9]+$ ]] && ((REQUESTS > 0 && REQUESTS <= 100000)) ||
    { echo "instructions.sh: REQUESTS is a number from 1 to 100000" >&2; exit 2; }

scratch_and_servers_cleanup
build_echo_and_baseline instructions.sh "$root"
signature="$(notification_signature "$KEY" "$DATE" "$FIXTURE")"

# Sends COUNT signed notifications on one keep-alive connection.
send() { # count
    post_keep_alive "$PORT" / "$FIXTURE" "$1" "Content-Type: application/json" "Date: $DATE" \
        "X-Hub-Signature: $signature"
}

# Sets `result` to the instructions a request of BINARY with the VAR=value settings given, and
# `misses` to its cache misses a request (with CACHE=1).
count() { # name binary [VAR=value...]
    local name="$1" binary="$2" options=""
    shift 2
    [[ "$CACHE" == 1 ]] && options="--cache-sim=yes --branch-sim=yes"
    callgrind_per_request instructions.sh "$name" send "$PORT" "$binary" \
        VALGRIND_OPTS="$options" WEBHOOK_ADDR="127.0.0.1:$PORT" WEBHOOK_PRIVATE_KEY="$KEY" \
        WEBHOOK_REQUEST_MAX_AGE=none "$@"
    misses=""
    if [[ "$CACHE" == 1 ]]; then
        # The summary's events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim.
        misses="$(awk -v n="$REQUESTS" '/^summary:/ {
            estimate = $2 + 10 * ($5 + $6 + $7 + $12 + $14) + 100 * ($8 + $9 + $10)
            printf "%8d %8d %8d %11d", $5 / n, ($6 + $7) / n, ($12 + $14) / n, estimate / n
        }' "$result_file")"
    fi
}

echo "== $REQUESTS requests a case, $(basename "$FIXTURE"), profile $PROFILE"
header="$(printf '%-44s %10s %8s' "server, settings" "instr/req" "/ base")"
[[ "$CACHE" == 1 ]] && header="$header$(printf ' %8s %8s %8s %11s' I1 D1 branches "est. cycles")"
echo "$header"
count baseline "$baseline_bin" RUST_LOG=warn
baseline="$result"
printf '%-44s %10d %8s %s\n' "baseline (RUST_LOG=warn)" "$baseline" "1.000" "$misses"
# The echo bot's cases (CASES: `;` between cases, spaces between a case's settings); by
# default the three log settings.
cases=("RUST_LOG=warn" "RUST_LOG=info" "RUST_LOG=info WEBHOOK_LOG_FORMAT=json")
[[ -n "${CASES:-}" ]] && IFS=';' read -r -a cases <<<"$CASES"
for case in "${cases[@]}"; do
    # shellcheck disable=SC2086 # the settings are words
    count echo "$echo_bin" $case
    instructions="$result"
    printf '%-44s %10d %8s %s\n' "echo bot ($case)" "$instructions" \
        "$(awk -v a="$instructions" -v b="$baseline" 'BEGIN { printf "%.3f", a / b }')" "$misses"
done
