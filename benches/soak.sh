#!/usr/bin/env bash
# Soak test over loopback (not run by CI): the echo bot (examples/echo_bot.rs, signed
# notifications) and the durable route of examples/durable_hook.rs (`POST /events`, a unique
# `Webhook-Id` a request), each for DURATION seconds at half the load it sustains at most.
#
#   benches/soak.sh                  # both, 600 s each, a sample every 10 s
#   DURATION=60 benches/soak.sh echo # one of them, shorter
#
# For each server: (1) its maximum is measured with wrk (THREADS threads, 32 connections,
# MAX_SECONDS); (2) the soak runs at half of it: wrk runs for WINDOW seconds at a time, each
# connection waiting DELAY_MS after each answer (wrk's `delay()`), with as many connections as
# that rate needs; (3) after each window the script samples the server's resident memory
# (VmRSS), its open file descriptors (/proc/PID/fd) and the window's p99 latency, answers and
# errors (non-2xx answers, socket errors, timeouts), printed as a line and kept in a CSV
# (SOAK_CSV_DIR, default a temporary directory that is kept). At the end: the first and last
# windows side by side, the RSS drift (the target: within 10 %), the descriptors (no leak), the
# errors (0) — the drift measured from the end of the warm-up (WARMUP windows, default 1) to the
# end; for the durable route it also waits for the queue to empty and checks that every
# accepted event was processed exactly once (the lines of PROCESSED_LOG). Exit status 1 when
# one of these fails.
#
# Environment: DURATION (default 600), WINDOW (default 10), WARMUP (default 1), MAX_SECONDS (default 10),
# THREADS (wrk threads, default 2), DELAY_MS (default 10), PROFILE (default release), ECHO_PORT
# (default 18100), DURABLE_PORT (default 18101), WEBHOOK_STORE (passed to durable_hook; unset:
# its embedded store, in the temporary directory), BIN_DIR (a directory holding echo_bot and
# durable_hook already built: no build). Only 127.0.0.1 is ever targeted.

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/lib.sh"

DURATION="${DURATION:-600}"
WINDOW="${WINDOW:-10}"
MAX_SECONDS="${MAX_SECONDS:-10}"
THREADS="${THREADS:-2}"
DELAY_MS="${DELAY_MS:-10}"
WARMUP="${WARMUP:-1}"
PROFILE="${PROFILE:-release}"
ECHO_PORT="${ECHO_PORT:-18100}"
DURABLE_PORT="${DURABLE_PORT:-18101}"
KEY="soak"
DATE="Thu, 13 Sep 2018 11:48:13 GMT"
FIXTURE="$root/tests/fixtures/step_reached.json"

if ! [[ "$WARMUP" =~ ^[0-9]+$ ]] || ((WARMUP * WINDOW >= ${DURATION:-600})); then
    echo "soak.sh: WARMUP is a number of windows, fewer than the run has (got '$WARMUP')" >&2
    exit 2
fi
for value in "$DURATION" "$WINDOW" "$MAX_SECONDS" "$THREADS" "$DELAY_MS" "$ECHO_PORT" "$DURABLE_PORT"; do
    if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
        echo "soak.sh: DURATION, WINDOW, MAX_SECONDS, THREADS, DELAY_MS and the ports must be positive integers (got '$value')" >&2
        exit 2
    fi
done
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(echo durable)
fi
for target in "${targets[@]}"; do
    if [[ "$target" != echo && "$target" != durable ]]; then
        echo "soak.sh: the targets are 'echo' and 'durable' (got '$target')" >&2
        exit 2
    fi
done
command -v wrk >/dev/null 2>&1 || { echo "soak.sh: wrk is needed (apt-get install wrk)" >&2; exit 2; }

work="$(mktemp -d)"
csv_dir="${SOAK_CSV_DIR:-$(mktemp -d)}"
mkdir -p "$csv_dir"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n "${BIN_DIR:-}" ]]; then
    echo "== the programs of $BIN_DIR"
    bin="$BIN_DIR"
else
    echo "== building (profile $PROFILE)"
    examples=()
    for target in "${targets[@]}"; do
        case "$target" in
        echo) examples+=(--example echo_bot) ;;
        durable) examples+=(--example durable_hook) ;;
        esac
    done
    (cd "$root" && cargo build --profile "$PROFILE" --quiet "${examples[@]}")
    bin="${CARGO_TARGET_DIR:-$root/target}/$PROFILE/examples"
fi

start_server() { # name port workdir binary [VAR=value...]
    local name="$1" port="$2" dir="$3" binary="$4"
    shift 4
    if listening "$port"; then
        echo "soak.sh: 127.0.0.1:$port is already in use" >&2
        exit 1
    fi
    (cd "$dir" && exec env WEBHOOK_ADDR="127.0.0.1:$port" RUST_LOG=warn "$@" "$binary") \
        >"$work/$name.log" 2>&1 &
    server_pid=$!
    wait_listening soak.sh "$name" "$port" "$server_pid" "$work/$name.log"
}

stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# wrk's latency figures (10.5us, 1.2ms, 2.00s) in milliseconds.

# Parses a wrk report: "requests errors rps p99_ms".
parse_wrk() {
    local report="$1" requests non2xx socket p99 rps
    requests="$(awk '/requests in/ { print $1 }' "$report")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$report")"
    socket="$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' "$report")"
    p99="$(awk '$1 == "99%" { print $2 }' "$report")"
    rps="$(awk '/Requests\/sec:/ { print $2 }' "$report")"
    echo "${requests:-0} $((${non2xx:-0} + ${socket:-0})) ${rps:-0} $(to_ms "${p99:-0}")"
}

sample_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
sample_fds() { ls "/proc/$1/fd" | wc -l; }

# Writes the wrk script of a target: the echo bot's signed notification, or a durable event
# with a unique Webhook-Id (the window's number, the thread's and a counter) and that id as its
# key. `delay()` is read from the script's first argument (0 while measuring the maximum).
write_lua() { # target file
    local target="$1" file="$2"
    if [[ "$target" == echo ]]; then
        {
            signed_notification_lua "$KEY" "$DATE" "$FIXTURE"
            cat <<'EOF'
local pause = 0
function init(args) pause = tonumber(args[1]) or 0 end
function delay() return pause end
EOF
        } >"$file"
    else
        cat >"$file" <<'EOF'
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("number", threads)
end
local pause, window, sent = 0, "m", 0
function init(args)
    pause = tonumber(args[1]) or 0
    window = args[2] or "m"
end
function request()
    sent = sent + 1
    local id = window .. "-" .. number .. "-" .. sent
    return wrk.format("POST", "/events",
        { ["Content-Type"] = "application/json", ["Webhook-Id"] = id },
        '{"key":"' .. id .. '"}')
end
function delay() return pause end
EOF
    fi
}

failed=0
soak() { # target
    local target="$1" port dir lua csv name
    dir="$work/$target"
    mkdir -p "$dir"
    lua="$dir/load.lua"
    csv="$csv_dir/$target.csv"
    write_lua "$target" "$lua"
    if [[ "$target" == echo ]]; then
        port="$ECHO_PORT"
        name=echo_bot
        start_server "$name" "$port" "$dir" "$bin/echo_bot" WEBHOOK_PRIVATE_KEY="$KEY" \
            WEBHOOK_REQUEST_MAX_AGE=none
    else
        port="$DURABLE_PORT"
        name=durable_hook
        start_server "$name" "$port" "$dir" "$bin/durable_hook" PROCESSED_LOG="$dir/processed.log"
    fi
    local url="http://127.0.0.1:$port"

    wrk -t"$THREADS" -c32 -d"${MAX_SECONDS}s" --latency -s "$lua" "$url" -- 0 max >"$dir/max.txt"
    local max_requests max_errors max_rps max_p99
    read -r max_requests max_errors max_rps max_p99 < <(parse_wrk "$dir/max.txt")
    local rate connections
    rate="$(awk -v m="$max_rps" 'BEGIN { printf "%d", m / 2 }')"
    # Each connection sends about one request every DELAY_MS (the answer's own time aside).
    connections="$(awk -v r="$rate" -v d="$DELAY_MS" 'BEGIN { c = int(r * d / 1000 + 0.5); if (c < 1) c = 1; if (c > 2000) c = 2000; print c }')"
    ((connections < THREADS)) && connections="$THREADS"
    echo "== $name: maximum $max_rps requests/s (p99 $max_p99 ms, $max_errors errors); soak at ~$rate/s: $connections connections, $DELAY_MS ms between requests, ${DURATION}s in ${WINDOW}s windows"
    echo "seconds,requests,errors,requests_per_s,p99_ms,rss_kb,fds" >"$csv"
    printf '%8s %9s %7s %10s %8s %9s %5s\n' seconds requests errors "req/s" "p99 ms" "RSS kB" fds
    local windows=$(((DURATION + WINDOW - 1) / WINDOW)) w requests errors rps p99 rss fds
    local total=0 total_errors=0
    for ((w = 1; w <= windows; w++)); do
        wrk -t"$THREADS" -c"$connections" -d"${WINDOW}s" --latency -s "$lua" "$url" -- \
            "$DELAY_MS" "w$w" >"$dir/window.txt"
        read -r requests errors rps p99 < <(parse_wrk "$dir/window.txt")
        rss="$(sample_rss_kb "$server_pid")"
        fds="$(sample_fds "$server_pid")"
        total=$((total + requests))
        total_errors=$((total_errors + errors))
        echo "$((w * WINDOW)),$requests,$errors,$rps,$p99,$rss,$fds" >>"$csv"
        printf '%8d %9d %7d %10s %8s %9d %5d\n' $((w * WINDOW)) "$requests" "$errors" "$rps" "$p99" "$rss" "$fds"
        # The warm-up windows calibrate: a connection waits for its answer as well as DELAY_MS,
        # so when answers take as long as the pause (a durable route waits for its commit), the
        # rate falls short; the connections are scaled to the rate wanted, then kept.
        if ((w <= WARMUP)); then
            connections="$(awk -v c="$connections" -v r="$rate" -v got="$rps" 'BEGIN {
                if (got <= 0) { print c; exit }
                n = int(c * r / got + 0.5); if (n < c) n = c; if (n > 2000) n = 2000; print n }')"
            ((connections < THREADS)) && connections="$THREADS"
            echo "   (calibrated: $connections connections)"
        fi
    done

    # The first window warms up (the allocator's arenas for the connections, the pools) and
    # calibrates the connections: the drift is measured from the end of window WARMUP + 1.
    local first last
    first="$(sed -n "$((WARMUP + 2))p" "$csv")"
    last="$(tail -n 1 "$csv")"
    local rss_first rss_last fds_first fds_last
    rss_first="$(cut -d, -f6 <<<"$first")"
    rss_last="$(cut -d, -f6 <<<"$last")"
    fds_first="$(cut -d, -f7 <<<"$first")"
    fds_last="$(cut -d, -f7 <<<"$last")"
    local drift
    drift="$(awk -v a="$rss_first" -v b="$rss_last" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')"
    echo "== $name: $total requests, $total_errors errors; RSS after the first window $(sed -n 2p "$csv" | cut -d, -f6) kB; after the warm-up: p99 $(cut -d, -f5 <<<"$first") ms, RSS $rss_first kB, $fds_first fds; last: p99 $(cut -d, -f5 <<<"$last") ms, RSS $rss_last kB, $fds_last fds; RSS drift $drift %"
    if ((total_errors > 0)); then
        echo "   FAIL: $total_errors errors" >&2
        failed=1
    fi
    if awk -v d="$drift" 'BEGIN { exit !(d > 10 || d < -10) }'; then
        echo "   FAIL: the RSS moved by more than 10 %" >&2
        failed=1
    fi
    if ((fds_last > fds_first + 8)); then
        echo "   FAIL: $((fds_last - fds_first)) more descriptors at the end" >&2
        failed=1
    fi

    if [[ "$target" == durable ]]; then
        # Every accepted event is processed once: wait (at most 120 s) for the workers.
        local processed=0 try
        for try in $(seq 1 240); do
            processed="$(wc -l <"$dir/processed.log" 2>/dev/null || echo 0)"
            ((processed >= total + max_requests - total_errors - max_errors)) && break
            sleep 0.5
        done
        local distinct
        distinct="$(cut -d' ' -f1 "$dir/processed.log" | sort -u | wc -l)"
        # The maximum's events count too: they were accepted before the soak. An event whose
        # answer was lost (a socket error) may have been accepted: "at least" the rest.
        local accepted=$((total - total_errors + max_requests - max_errors))
        echo "   accepted at least $accepted events; processed $processed lines, $distinct distinct keys"
        if ((distinct < accepted || processed != distinct)); then
            echo "   FAIL: not every accepted event was processed exactly once" >&2
            failed=1
        fi
    fi
    stop_server
    echo "   samples: $csv"
}

for target in "${targets[@]}"; do
    soak "$target"
done
exit "$failed"
