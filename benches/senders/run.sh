#!/usr/bin/env bash
# What a sender's signature check costs under load: examples/senders.rs serving `POST /github`
# (GitHub's HMAC-SHA256 of a 2 kB body, checked on every request) beside `POST /unsigned` (the
# same server and work, the body taken and the same answer built from the same headers, no
# sender), with wrk over loopback, side by side in each round.
#
#   benches/senders/run.sh                      # 8 s per run, 2 threads, 32 connections, 2 rounds
#   DURATION=10 CONNECTIONS=64 ROUNDS=3 benches/senders/run.sh
#
# Environment: DURATION (seconds, default 8), THREADS (default 2), CONNECTIONS (default 32),
# ROUNDS (default 2, at most 10), PORT (default 18010), PROFILE (default release). Only
# 127.0.0.1 is targeted. The server runs with its default settings (access log on).
#
# At the end, the floor the hash itself sets (FLOOR=0 skips it): `cargo bench --bench senders`
# times GitHub's `verify` alone on the same 2 kB body, and the script prints the best
# signed/unsigned ratio a route that did nothing but that check could reach on this machine,
# unsigned CPU / (unsigned CPU + verify), with the rounds' unsigned CPU a request.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"

DURATION="${DURATION:-8}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
ROUNDS="${ROUNDS:-2}"
PORT="${PORT:-18010}"
PROFILE="${PROFILE:-release}"
[ "$ROUNDS" -le 10 ] || { echo "run.sh: ROUNDS is at most 10" >&2; exit 2; }
command -v wrk >/dev/null || { echo "run.sh: wrk is needed (apt-get install wrk)" >&2; exit 2; }

secret="a-benchmark-secret"
# A 2 kB JSON body and its GitHub signature (GitHub signs no timestamp: wrk may replay it).
body="$(python3 -c 'import json; print(json.dumps({"ref": "refs/heads/main", "padding": "x" * 1990}), end="")')"
signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)"

cd "$root"
cargo build --quiet --profile "$PROFILE" --example senders
target="${CARGO_TARGET_DIR:-$root/target}"
binary="$target/$PROFILE/examples/senders"
[ "$PROFILE" = dev ] && binary="$target/debug/examples/senders"

work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
printf '%s' "$body" > "$work/body.json"
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$work/body.json", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-GitHub-Event"] = "push"
wrk.headers["X-GitHub-Delivery"] = "d-1"
wrk.headers["X-Hub-Signature-256"] = "$signature"
LUA

WEBHOOK_ADDR="127.0.0.1:$PORT" GITHUB_SECRET="$secret" SENDERS_UNSIGNED_CONTROL=1 \
  "$binary" > "$work/server.log" 2>&1 &
server=$!
wait_listening run.sh senders "$PORT" "$server" "$work/server.log"

# One request each first: both must answer 200 (a refused signature would make the test void).
for path in github unsigned; do
  status="$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/$path" \
    -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' -H 'X-GitHub-Delivery: d-1' \
    -H "X-Hub-Signature-256: $signature" --data-binary @"$work/body.json")"
  [ "$status" = 200 ] || { echo "run.sh: /$path answered $status" >&2; exit 1; }
done

# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
ticks_per_sec="$(getconf CLK_TCK)"

run() { # path -> requests/s, p99 (ms) and the server's CPU microseconds a request
  local out before after
  before="$(cpu_ticks)"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/post.lua" \
    "http://127.0.0.1:$PORT/$1")"
  after="$(cpu_ticks)"
  if grep -q "Non-2xx" <<<"$out"; then
    echo "run.sh: /$1 had non-2xx answers" >&2
    echo "$out" >&2
    exit 1
  fi
  local rps p99 requests cpu
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  cpu="$(awk -v t=$((after - before)) -v n="$requests" -v hz="$ticks_per_sec" \
    'BEGIN {printf "%.1f", 1e6 * t / hz / n}')"
  echo "$rps $p99 $cpu"
}

# Throughput is what the target is about, but other processes on the machine make it noisy;
# the server's CPU time a request (from /proc) depends much less on them.
unsigned_cpus=()
echo "round  signed req/s (p99 ms)  unsigned req/s (p99 ms)  signed/unsigned  server CPU us/req signed, unsigned, unsigned/signed"
for round in $(seq 1 "$ROUNDS"); do
  read -r s_rps s_p99 s_cpu < <(run github)
  read -r u_rps u_p99 u_cpu < <(run unsigned)
  ratio="$(awk -v s="$s_rps" -v u="$u_rps" 'BEGIN {printf "%.1f %%", 100 * s / u}')"
  cpu_ratio="$(awk -v s="$s_cpu" -v u="$u_cpu" 'BEGIN {printf "%.1f %%", 100 * u / s}')"
  printf '%5d  %12s (%s)  %14s (%s)  %s  %s, %s, %s\n' "$round" "$s_rps" "$s_p99" "$u_rps" "$u_p99" "$ratio" "$s_cpu" "$u_cpu" "$cpu_ratio"
  unsigned_cpus+=("$u_cpu")
done

[ "${FLOOR:-1}" = 0 ] && exit 0
# The check's own cost, measured apart (criterion's median, in microseconds): what no
# implementation of the route can avoid, since the HMAC of every byte of the body is the check.
kill "$server" 2>/dev/null || true
verify_us="$(cargo bench --quiet --bench senders -- --exact verify/github --noplot 2>/dev/null \
  | awk '/time:/ {
      line = $0; sub(/.*\[/, "", line); sub(/\].*/, "", line); split(line, part, " ")
      value = part[3]; unit = part[4]
      if (unit ~ /^ns/) value /= 1000; else if (unit ~ /^ms/) value *= 1000
      printf "%.2f", value; exit
    }')"
[ -n "$verify_us" ] || { echo "run.sh: could not read verify/github's time" >&2; exit 1; }
for u_cpu in "${unsigned_cpus[@]}"; do
  awk -v u="$u_cpu" -v v="$verify_us" 'BEGIN {
    printf "the check alone (verify/github): %.2f us = %.1f %% of the unsigned request'"'"'s %.1f us:", v, 100 * v / u, u
    printf " the best signed/unsigned ratio it allows is %.1f %%\n", 100 * u / (u + v)
  }'
done
