#!/usr/bin/env bash
# Context switches and CPU a request, by thread: each server alone under wrk (2 threads, 32
# connections, the signed 329-byte step), the hand-written baseline, then the echo bot at
# `RUST_LOG=warn` and at its default settings. Read from /proc/<pid>/task/*/status
# (voluntary_ctxt_switches: the thread blocked, parked with nothing to do; nonvoluntary: the
# scheduler took the CPU from it) and /proc/<pid>/task/*/schedstat (CPU time), over the run's
# middle SECONDS - 2 seconds, divided by the requests wrk counted in that time.
#
#   benches/load/switches.sh [ROUNDS] [SECONDS]     # default 2 rounds of 6 s
#   ECHO_BIN=/path/to/an/earlier/echo_bot benches/load/switches.sh
#
# Environment: PROFILE (default release-lto), ECHO_BIN (as for run.sh), PORT (the first of
# three, default 18101). Only 127.0.0.1 is used. Figures: benches/README.md (issue 23).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"

ROUNDS="${1:-2}"
SECONDS_A_RUN="${2:-6}"
PROFILE="${PROFILE:-release-lto}"
PORT="${PORT:-18101}"
for value in "$ROUNDS" "$SECONDS_A_RUN" "$PORT"; do
    if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
        echo "switches.sh: ROUNDS, SECONDS and PORT must be positive integers (got '$value')" >&2
        exit 2
    fi
done
if ((ROUNDS > 10 || SECONDS_A_RUN < 4 || SECONDS_A_RUN > 60)); then
    echo "switches.sh: at most 10 rounds, runs of 4 to 60 seconds" >&2
    exit 2
fi
command -v wrk >/dev/null || { echo "switches.sh: wrk is needed (apt-get install wrk)" >&2; exit 2; }

KEY="bench"
DATE="Thu, 13 Sep 2018 11:48:13 GMT"
FIXTURE="$root/tests/fixtures/step_reached_small.json"
scratch_and_servers_cleanup
build_echo_and_baseline switches.sh "$root"
signed_notification_lua "$KEY" "$DATE" "$FIXTURE" >"$work/post.lua"

# One line a thread: id, name, voluntary and involuntary switches so far, CPU time (ns).
threads() { # pid
    local task
    for task in /proc/"$1"/task/*; do
        printf '%s %s %s %s\n' "${task##*/}" "$(tr ' ' _ <"$task/comm")" \
            "$(awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v, n }' "$task/status")" \
            "$(cut -d' ' -f1 "$task/schedstat")"
    done | sort
}

measure() { # name binary port [VAR=value...]
    local name="$1" binary="$2" port="$3" pid wrk_pid rps
    shift 3
    start_server switches.sh "$name" "$binary" "$port" "$@"
    pid="$started_pid"
    wrk -t2 -c32 -d"${SECONDS_A_RUN}s" -s "$work/post.lua" "http://127.0.0.1:$port/" >"$work/wrk.txt" &
    wrk_pid=$!
    sleep 1
    threads "$pid" >"$work/before"
    sleep $((SECONDS_A_RUN - 2))
    threads "$pid" >"$work/after"
    wait "$wrk_pid"
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.txt")"
    # Threads of one name (the tokio workers) summed; a thread born during the window is left out.
    join "$work/before" "$work/after" | awk -v name="$name" -v rps="$rps" -v seconds=$((SECONDS_A_RUN - 2)) '
        { group = $2; voluntary[group] += $7 - $3; involuntary[group] += $8 - $4; cpu[group] += ($9 - $5) / 1000
          all_v += $7 - $3; all_i += $8 - $4; all_cpu += ($9 - $5) / 1000 }
        END {
            n = rps * seconds
            printf "%-22s %8.0f req/s  CPU %5.1f us a request  switches a request: %.3f voluntary, %.3f involuntary\n", name, rps, all_cpu / n, all_v / n, all_i / n
            for (group in cpu) if (cpu[group] / n >= 0.05)
                printf "  %-20s                CPU %5.1f us             %.3f voluntary, %.3f involuntary\n", group, cpu[group] / n, voluntary[group] / n, involuntary[group] / n
        }'
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

echo "== ${ROUNDS} rounds; each server alone, wrk -t2 -c32 for ${SECONDS_A_RUN} s, counted over the middle $((SECONDS_A_RUN - 2)) s"
for round in $(seq 1 "$ROUNDS"); do
    echo "-- round $round"
    measure baseline "$baseline_bin" "$PORT" RUST_LOG=warn
    measure "echo bot, warn" "$echo_bin" $((PORT + 1)) RUST_LOG=warn
    measure "echo bot, default" "$echo_bin" $((PORT + 2)) RUST_LOG=info
done
