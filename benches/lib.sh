# Helpers shared by the benchmark scripts (benches/load/run.sh, benches/soak.sh,
# benches/durable/*.sh): source it.

# A free TCP port on 127.0.0.1, as the kernel picks one.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Whether something listens on 127.0.0.1:PORT.
listening() { # port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Waits (10 s at most) until the server NAME, process PID, listens on PORT; exits with its log
# (LOG) when it died or never listened. SCRIPT names the caller in messages.
wait_listening() { # script name port pid log
    local script="$1" name="$2" port="$3" pid="$4" log="$5" try
    for try in $(seq 1 100); do
        if listening "$port"; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$script: $name exited (try $try):" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "$script: $name does not listen on 127.0.0.1:$port after 10 s" >&2
    exit 1
}

# Whether the JSON texts A and B are the same value (objects' key order aside), with python3.
same_json() { # a b
    python3 -c 'import json, sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# A wrk duration (`850.00us`, `1.20ms`, `2.00s`, `1.00m`) in milliseconds; a bare number is
# kept; anything else is `nan`.
to_ms() { # value
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else if (v ~ /^[0-9.]+$/) { printf "%s", v }
        else { printf "nan" }
    }'
}

# The `X-Hub-Signature` of the notification FIXTURE dated DATE, with KEY: HMAC-SHA1 of
# `date=<DATE>\n` and the body, as Clustaar signs.
notification_signature() { # key date fixture
    echo "sha1=$({ printf 'date=%s\n' "$2"; cat "$3"; } |
        openssl dgst -sha1 -hmac "$1" -r | cut -d' ' -f1)"
}

# The lines of a wrk script that POST the notification FIXTURE to `/`, dated DATE and signed
# with KEY (`notification_signature`).
# Lua drops the newline right after '[==[' and keeps everything else: the body sent is the
# fixture byte for byte, its final newline included (the servers check the signature, so a
# difference shows as non-2xx answers). Exits when the fixture cannot be written so.
signed_notification_lua() { # key date fixture
    local key="$1" date="$2" fixture="$3" signature
    if grep -qF ']==]' "$fixture" || grep -q $'\r' "$fixture" ||
        [[ "$(tail -c1 "$fixture" | od -An -tx1)" != " 0a" ]]; then
        echo "the fixture $fixture cannot be written as a Lua long string (']==]', CR, or no final newline)" >&2
        exit 1
    fi
    signature="$(notification_signature "$key" "$date" "$fixture")"
    cat <<LUA
wrk.method = "POST"
wrk.path = "/"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Date"] = "$date"
wrk.headers["X-Hub-Signature"] = "$signature"
wrk.body = [==[
$(cat "$fixture")
]==]
LUA
}

# A scratch directory (`$work`) and the servers started into `pids`, both gone when the script
# exits (or is interrupted): call it once, before starting any server.
scratch_and_servers_cleanup() {
    work="$(mktemp -d)"
    pids=()
    trap scratch_cleanup EXIT
    trap 'exit 130' INT TERM
}

# Stops the servers in `pids` and removes `$work` (`scratch_and_servers_cleanup`'s trap).
scratch_cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}

# Builds (or takes) the two servers of the load benchmarks, with the cargo profile $PROFILE:
# the echo bot (examples/echo_bot.rs, or $ECHO_BIN when set: an echo bot already built) and the
# hand-written baseline (benches/load/baseline/, a workspace of its own, its Cargo.lock
# committed, built into the same target directory). Sets `echo_bin` and `baseline_bin`.
build_echo_and_baseline() { # script root
    local script="$1" root="$2" target
    echo "== building (profile $PROFILE)"
    target="${CARGO_TARGET_DIR:-$root/target}"
    echo_bin="${ECHO_BIN:-$target/$PROFILE/examples/echo_bot}"
    if [[ -z "${ECHO_BIN:-}" ]]; then
        (cd "$root" && cargo build --profile "$PROFILE" --locked --quiet --example echo_bot)
    elif [[ ! -x "$ECHO_BIN" ]]; then
        echo "$script: ECHO_BIN=$ECHO_BIN is not an executable" >&2
        exit 2
    fi
    cargo build --manifest-path "$root/benches/load/baseline/Cargo.toml" --target-dir "$target" \
        --profile "$PROFILE" --locked --quiet
    baseline_bin="$target/$PROFILE/load_baseline"
}

# Starts BINARY as the server NAME on 127.0.0.1:PORT (on the CPUs $SERVER_CPUS when set, as
# taskset takes them), signing key $KEY, the max-age check off
# (the benchmarks replay one dated request), with the VAR=value settings given; its output to
# $work/NAME.log; added to `pids` (`scratch_and_servers_cleanup`); sets `started_pid` and
# returns once it listens.
start_server() { # script name binary port [VAR=value...]
    local script="$1" name="$2" binary="$3" port="$4"
    shift 4
    if listening "$port"; then
        echo "$script: 127.0.0.1:$port is already in use; set BASELINE_PORT / ECHO_PORT" >&2
        exit 1
    fi
    # shellcheck disable=SC2086 # empty, or `taskset -c CPUS` (SERVER_CPUS)
    ${SERVER_CPUS:+taskset -c $SERVER_CPUS} env WEBHOOK_ADDR="127.0.0.1:$port" \
        WEBHOOK_PRIVATE_KEY="$KEY" WEBHOOK_REQUEST_MAX_AGE=none \
        "$@" "$binary" >"$work/$name.log" 2>&1 &
    started_pid=$!
    pids+=("$started_pid")
    wait_listening "$script" "$name" "$port" "$started_pid" "$work/$name.log"
}

# Sets `result` to the instructions a request (valgrind's callgrind: user space, every thread)
# of BINARY run as the server NAME on 127.0.0.1:PORT with the VAR=value settings given: SEND
# (a function taking a count) sends 50 requests not counted, then $REQUESTS counted; and
# `result_file` to callgrind's file of the counted requests (for `callgrind_annotate`). The
# server's output goes to $work/NAME.log; it is added to `pids` (`scratch_and_servers_cleanup`).
callgrind_per_request() { # script name send port binary [VAR=value...]
    local script="$1" name="$2" send="$3" port="$4" binary="$5" pid try total
    shift 5
    command -v valgrind >/dev/null && command -v callgrind_control >/dev/null ||
        { echo "$script: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
    env "$@" valgrind --tool=callgrind --callgrind-out-file="$work/$name.%p" "$binary" \
        >"$work/$name.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    # valgrind takes seconds to start a large program.
    for try in $(seq 1 600); do
        listening "$port" && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
        ((try < 600)) || { echo "$script: $name does not listen on 127.0.0.1:$port" >&2; exit 1; }
        sleep 0.1
    done
    "$send" 50
    callgrind_control --zero "$pid" >/dev/null 2>&1
    "$send" "$REQUESTS"
    callgrind_control --dump "$pid" >/dev/null 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    # The dump after the zero holds what the counted requests cost.
    result_file="$work/$name.$pid.1"
    total="$(awk '/^summary:/ { print $2 }' "$result_file")"
    result=$((total / REQUESTS))
}

# Sends COUNT POST requests to http://127.0.0.1:PORT/PATH with the body in FILE and the
# `Name: value` headers given, on one keep-alive connection; each must be answered 200.
post_keep_alive() { # port path file count [header...]
    python3 - "$@" <<'PY'
import http.client, sys
port, path, file, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
headers = dict(header.split(": ", 1) for header in sys.argv[5:])
body = open(file, "rb").read()
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for _ in range(count):
    connection.request("POST", path, body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        sys.exit(f"{path} answered {answer.status}")
PY
}
