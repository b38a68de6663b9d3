#!/usr/bin/env bash
# Idle keep-alive connections over loopback: what each one costs the server's resident memory,
# the echo bot (examples/echo_bot.rs) side by side with the hand-written axum baseline
# (benches/load/baseline/).
#
#   benches/load/idle.sh                      # 2,000 connections, 2 rounds a case
#   CONNECTIONS=500 ROUNDS=1 benches/load/idle.sh
#
# For each server and each request (the signed notification POSTed to `/`, answered 200, and an
# unsigned `GET /no-such-path`, answered 404), a fresh server is started, warmed with a few
# requests, then benches/load/idle_client.py opens CONNECTIONS keep-alive connections one after
# the other, each sending one request and reading its whole answer, leaves them all open and
# idle for SETTLE seconds, reads the server's VmRSS, closes them, waits SETTLE seconds and reads
# it again; ROUNDS times on the same server. "KB a connection" is (RSS idle - RSS before) /
# CONNECTIONS. The echo bot's header read timeout (10 s by default) closes idle connections, so
# the client checks that all are still open when the RSS is read.
#
# Environment: CONNECTIONS (default 2000), ROUNDS (default 2, at most 10), SETTLE (seconds,
# default 1), FIXTURE (default tests/fixtures/step_reached_small.json), PROFILE (release or
# release-lto, default release), ECHO_PORT (default 18010), BASELINE_PORT (default 18011),
# ECHO_RUST_LOG (the echo bot's RUST_LOG, default info: a bot's default, one access line a
# request), ECHO_BIN (an echo bot already built, e.g. from an earlier commit, run instead of
# building examples/echo_bot.rs), CASES (default "echo_bot:signed echo_bot:get404
# baseline:signed baseline:get404"). The servers inherit the environment (e.g. MALLOC_ARENA_MAX).
#
# Only 127.0.0.1 is ever targeted. The figures are in benches/README.md ("Idle connections").

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"

CONNECTIONS="${CONNECTIONS:-2000}"
ROUNDS="${ROUNDS:-2}"
SETTLE="${SETTLE:-1}"
ECHO_PORT="${ECHO_PORT:-18010}"
BASELINE_PORT="${BASELINE_PORT:-18011}"
ECHO_RUST_LOG="${ECHO_RUST_LOG:-info}"
CASES="${CASES:-echo_bot:signed echo_bot:get404 baseline:signed baseline:get404}"
FIXTURE="${FIXTURE:-$root/tests/fixtures/step_reached_small.json}"
PROFILE="${PROFILE:-release}"
KEY="bench"
DATE="Thu, 13 Sep 2018 11:48:13 GMT"

for value in "$CONNECTIONS" "$ROUNDS" "$ECHO_PORT" "$BASELINE_PORT"; do
    if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
        echo "idle.sh: CONNECTIONS, ROUNDS and *_PORT must be positive integers (got '$value')" >&2
        exit 2
    fi
done
if ((ROUNDS > 10 || CONNECTIONS > 50000)); then
    echo "idle.sh: ROUNDS is at most 10, CONNECTIONS at most 50000" >&2
    exit 2
fi
if ! [[ "$SETTLE" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    echo "idle.sh: SETTLE must be a number of seconds (got '$SETTLE')" >&2
    exit 2
fi

# Both ends of every connection are in this machine's processes: the client holds one
# descriptor a connection, the server one more; raise the soft limit (the servers inherit it).
needed=$((CONNECTIONS + 256))
if [[ "$(ulimit -n)" != unlimited ]] && (("$(ulimit -n)" < needed)); then
    hard="$(ulimit -Hn)"
    if [[ "$hard" != unlimited ]] && ((hard < needed)); then
        echo "idle.sh: $CONNECTIONS connections need $needed file descriptors; the hard limit is $hard" >&2
        exit 1
    fi
    ulimit -n "$needed"
fi

scratch_and_servers_cleanup

build_echo_and_baseline idle.sh "$root"

signature="$(notification_signature "$KEY" "$DATE" "$FIXTURE")"

stop_server() { # pid
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

client() { # port pid request rounds connections
    python3 "$here/idle_client.py" --port "$1" --pid "$2" --request "$3" --rounds "$4" \
        --connections "$5" --settle "$SETTLE" --fixture "$FIXTURE" --date "$DATE" \
        --signature "$signature"
}

: >"$work/results"
for case in $CASES; do
    server="${case%%:*}" request="${case#*:}"
    case "$server" in
    echo_bot) binary="$echo_bin" port="$ECHO_PORT" extra=(RUST_LOG="$ECHO_RUST_LOG") ;;
    baseline) binary="$baseline_bin" port="$BASELINE_PORT" extra=(RUST_LOG=warn) ;;
    *) echo "idle.sh: unknown server '$server' in CASES" >&2; exit 2 ;;
    esac
    echo "== $server, $request: $CONNECTIONS idle connections, $ROUNDS round(s)"
    start_server idle.sh "$server" "$binary" "$port" "${extra[@]}"
    pid="$started_pid"
    # Warm-up: the server's lazily built state, its first worker allocations.
    client "$port" "$pid" "$request" 1 20 >/dev/null
    client "$port" "$pid" "$request" "$ROUNDS" "$CONNECTIONS" | while read -r round before idle closed open elapsed; do
        echo "$server $request $round $before $idle $closed $open $elapsed" | tee -a "$work/results" | sed 's/^/   /'
    done
    stop_server "$pid"
done

echo
echo "== summary: $CONNECTIONS idle keep-alive connections on 127.0.0.1, each having served one request"
echo "   (signed: POST $(basename "$FIXTURE"), $(wc -c <"$FIXTURE") bytes, answered 200; get404: GET /no-such-path);"
echo "   profile $PROFILE; echo bot $echo_bin, RUST_LOG=$ECHO_RUST_LOG${MALLOC_ARENA_MAX:+; MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX}"
echo
printf '%-9s %-7s %5s %11s %11s %11s %13s %6s\n' server request round "RSS (kB)" "idle (kB)" "closed (kB)" "kB/connection" open
awk -v n="$CONNECTIONS" '{
    printf "%-9s %-7s %5s %11d %11d %11d %13.1f %6d\n", $1, $2, $3, $4, $5, $6, ($5 - $4) / n, $7
    if ($7 + 0 < n) bad = 1
} END {
    if (bad) print "WARNING: some connections were closed before the idle RSS was read (the header read timeout?)"
}' "$work/results"
echo "(RSS: VmRSS before the round; idle: with the connections open; closed: $SETTLE s after they closed)"
