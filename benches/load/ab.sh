#!/usr/bin/env bash
# Two builds of the echo bot (examples/echo_bot.rs) side by side: both started once, then wrk
# against each in turn, round after round, with the same signed notification; prints each
# run's requests a second and the server's CPU time a request (user + system, from /proc), then
# B's share of A by round and the median of the shares. Alternating short rounds makes the
# two builds share the machine's changing load; the CPU a request moves less with it than the
# requests a second.
#
#   benches/load/ab.sh A_BINARY B_BINARY [ROUNDS] [SECONDS]     (default 8 rounds of 5 s)
#   FIXTURE=tests/fixtures/step_reached.json benches/load/ab.sh ...
#   ECHO_RUST_LOG=warn benches/load/ab.sh ...     (default info: one access line a request)
#   CONNECTIONS=1 THREADS=1 benches/load/ab.sh ...
#
# The builds: `cargo build --profile release-lto --example echo_bot` and a copy of
# target/release-lto/examples/echo_bot, once before and once after a change. The servers
# inherit the environment (WEBHOOK_LOG_FORMAT=json...). Only 127.0.0.1 is used.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"

[[ $# -ge 2 ]] || { sed -n '2,16p' "$0" >&2; exit 2; }
a="$1"
b="$2"
ROUNDS="${3:-8}"
SECONDS_A_RUN="${4:-5}"
FIXTURE="$root/${FIXTURE:-tests/fixtures/step_reached_small.json}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
KEY="bench"
DATE="Thu, 13 Sep 2018 11:48:13 GMT"
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && ((ROUNDS >= 1 && ROUNDS <= 40)) ||
    { echo "ab.sh: ROUNDS is a number from 1 to 40" >&2; exit 2; }
for binary in "$a" "$b"; do
    [[ -x "$binary" ]] || { echo "ab.sh: $binary is not an executable" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "ab.sh: wrk is needed (apt-get install wrk)" >&2; exit 2; }

scratch_and_servers_cleanup
signed_notification_lua "$KEY" "$DATE" "$FIXTURE" >"$work/post.lua"
port_a="$(free_port)"
start_server ab.sh a "$a" "$port_a" RUST_LOG="${ECHO_RUST_LOG:-info}"
pid_a="$started_pid"
port_b="$(free_port)"
start_server ab.sh b "$b" "$port_b" RUST_LOG="${ECHO_RUST_LOG:-info}"
pid_b="$started_pid"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# One wrk run against PORT (server PID): "requests/s cpu_us_a_request non2xx".
run() { # port pid
    local ticks out
    ticks="$(cpu_ticks "$2")"
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_A_RUN}s" -s "$work/post.lua" \
        "http://127.0.0.1:$1/")"
    awk -v a="$ticks" -v b="$(cpu_ticks "$2")" -v hz="$(getconf CLK_TCK)" '
        /Requests\/sec/ { rps = $2 }
        /requests in/ { requests = $1 }
        /Non-2xx/ { bad = $NF }
        END { printf "%s %.2f %d\n", rps, (b - a) / hz * 1e6 / requests, bad }' <<<"$out"
}

echo "echo bot A/B: $(basename "$FIXTURE"), RUST_LOG=${ECHO_RUST_LOG:-info}, wrk -t$THREADS -c$CONNECTIONS, $ROUNDS rounds of ${SECONDS_A_RUN} s"
echo "A: $a"
echo "B: $b"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %12s %10s %12s %10s %10s %10s\n' round "A req/s" "A us/req" "B req/s" "B us/req" "B/A req" "A/B cpu"
for round in $(seq "$ROUNDS"); do
    # A first in odd rounds, B first in even ones.
    if ((round % 2)); then
        read -r rps_a cpu_a bad_a < <(run "$port_a" "$pid_a")
        read -r rps_b cpu_b bad_b < <(run "$port_b" "$pid_b")
    else
        read -r rps_b cpu_b bad_b < <(run "$port_b" "$pid_b")
        read -r rps_a cpu_a bad_a < <(run "$port_a" "$pid_a")
    fi
    if ((bad_a + bad_b > 0)); then
        echo "ab.sh: non-2xx answers (A $bad_a, B $bad_b): see $work/a.log, $work/b.log" >&2
        exit 1
    fi
    awk -v r="$round" -v ra="$rps_a" -v ca="$cpu_a" -v rb="$rps_b" -v cb="$cpu_b" \
        'BEGIN { printf "%-6s %12.0f %10.2f %12.0f %10.2f %9.1f%% %9.1f%%\n", r, ra, ca, rb, cb, 100 * rb / ra, 100 * ca / cb }'
done | tee "$work/rounds"
# The median of column $1 of the rounds (a share, its `%` dropped).
median() { # column
    awk -v c="$1" '{ sub("%", "", $c); print $c }' "$work/rounds" | sort -n |
        awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print (NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2) }'
}
echo "median: B serves $(median 6)% of A's requests a second; A takes $(median 7)% of B's CPU a request"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
