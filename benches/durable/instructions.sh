#!/usr/bin/env bash
# Instructions a durable event, counted by valgrind's callgrind: the release build of
# examples/durable_hook.rs on the embedded store, `/events` posted by CLIENTS keep-alive clients on
# 127.0.0.1, each request with a unique Webhook-Id, until every event is processed. The server
# runs twice, serving FEW then MANY events; the difference of the two totals over MANY - FEW is
# an event's share, its start and its shutdown cancelled out. Every thread counts (HTTP, the
# batch writer, SQLite's writer thread, the workers); the kernel's work (the commits' writes and
# fsync) and waiting do not. Unlike events a second, the count does not move with what else the
# machine runs: it tells apart changes that the load test's noise hides (benches/README.md,
# "Durable routes").
#
#   benches/durable/instructions.sh                      # the current build
#   benches/durable/instructions.sh A_BINARY B_BINARY    # two builds of durable_hook, A then B
#
# Environment: FEW (default 400), MANY (default 2000), CLIENTS (default 8). The events a
# transaction carries grow with the clients, and an event's share of a transaction's fixed
# cost falls: under valgrind 8 clients make transactions of ~4 events (ends included), 32 of
# ~11, about what the load test's 32 connections make (13). Needs valgrind, python3, sqlite3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"

FEW="${FEW:-400}"
MANY="${MANY:-2000}"
CLIENTS="${CLIENTS:-8}"
for value in "$FEW" "$MANY" "$CLIENTS"; do
    [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "instructions.sh: FEW, MANY and CLIENTS are positive integers" >&2; exit 2; }
done
((CLIENTS <= 256)) || { echo "instructions.sh: CLIENTS is at most 256" >&2; exit 2; }
((MANY > FEW)) || { echo "instructions.sh: MANY must be more than FEW" >&2; exit 2; }
((MANY <= 100000)) || { echo "instructions.sh: MANY is at most 100000" >&2; exit 2; }
for tool in valgrind python3 sqlite3; do
    command -v "$tool" >/dev/null || { echo "instructions.sh: $tool is needed" >&2; exit 2; }
done

if [ $# -eq 0 ]; then
    (cd "$root" && cargo build --release --locked --quiet --example durable_hook)
    set -- "${CARGO_TARGET_DIR:-$root/target}/release/examples/durable_hook"
fi

# Posts COUNT unique events to 127.0.0.1:PORT from CLIENTS keep-alive connections, each
# answered 202.
post_events() { # port count tag
    python3 - "$@" "$CLIENTS" <<'PY'
import http.client, sys, threading
port, count, tag, clients = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
failures = []
def client(thread):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for index in range(thread, count, clients):
        key = f"{tag}-{index}"
        connection.request("POST", "/events", body=('{"key":"%s"}' % key).encode(),
                           headers={"Content-Type": "application/json", "Webhook-Id": key})
        answer = connection.getresponse()
        answer.read()
        if answer.status != 202:
            failures.append(answer.status)
threads = [threading.Thread(target=client, args=(thread,)) for thread in range(clients)]
for thread in threads: thread.start()
for thread in threads: thread.join()
if failures:
    sys.exit(f"{len(failures)} events not accepted: {failures[:5]}")
PY
}

# Prints the calls of FUNCTION in a callgrind output file (every caller's `calls=` summed).
calls_of() { # file function
    python3 - "$@" <<'PY'
import re, sys
path, wanted = sys.argv[1], sys.argv[2]
names, target, calls = {}, None, 0
with open(path, errors="replace") as profile:
    for line in profile:
        found = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line)
        if found:
            number, name = found.groups()
            if name is not None:
                names[number] = name
            target = line.startswith("cfn=") and names.get(number, "").endswith(wanted)
        elif target and line.startswith("calls="):
            calls += int(line[6:].split()[0])
            target = None
print(calls)
PY
}

# Prints the instructions durable_hook BINARY executes from its start to its end serving COUNT
# events (processed before it stops: the store's queue empty), and the transactions of events
# and attempts' ends its writer thread ran (`WriteConnection::write`).
total() { # binary count
    local binary="$1" count="$2" dir port server
    dir="$(mktemp -d)"
    port="$(free_port)"
    (
        cd "$dir"
        WEBHOOK_ADDR="127.0.0.1:$port" WEBHOOK_REQUEST_SPANS=false RUST_LOG=warn \
            exec valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" "$binary"
    ) >"$dir/server.log" 2>&1 &
    server=$!
    for _ in $(seq 300); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
        kill -0 "$server" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
        sleep 0.2
    done
    post_events "$port" "$count" "run$RANDOM"
    # Every event processed: none queued or running.
    for _ in $(seq 100); do
        [ "$(sqlite3 "$dir/webhook-inbox.sqlite3" \
            "SELECT count(*) FROM webhook_inbox WHERE state IN ('queued', 'running')" 2>/dev/null)" = 0 ] && break
        sleep 0.2
    done
    kill -INT "$server"
    wait "$server" 2>/dev/null || true
    echo "$(awk '/^(summary|totals):/ { print $2; exit }' "$dir/callgrind.out")" \
        "$(calls_of "$dir/callgrind.out" "WriteConnection::write")"
    rm -rf "$dir"
}

echo "instructions an event: (total serving $MANY - total serving $FEW) / $((MANY - FEW)), $CLIENTS clients"
for binary in "$@"; do
    read -r few _ <<<"$(total "$binary" "$FEW")"
    read -r many many_writes <<<"$(total "$binary" "$MANY")"
    echo "$binary: $(( (many - few) / (MANY - FEW) )) ($few for $FEW events, $many for $MANY;" \
        "$(python3 -c "print(f'{$MANY / max($many_writes, 1):.1f}')") events a transaction at $MANY)"
done
