#!/usr/bin/env bash
# What a sender's signature check adds to a request, in instructions (valgrind's callgrind):
# examples/senders.rs answering `POST /github` (GitHub's HMAC-SHA256 of a 2 kB body) and
# `POST /unsigned` (the same work without the check), the same requests as
# benches/senders/run.sh, over one keep-alive connection on 127.0.0.1. The count does not
# depend on what else the machine runs. Under valgrind SHA-256 runs its portable code (the CPU's
# SHA extensions are not emulated): the part spent in SHA-256's compression is printed apart,
# and what the check adds besides it is the figure to watch.
#
#   benches/senders/instructions.sh              # 300 requests a path, release profile
#
# Environment: REQUESTS (default 300, at most 100000), PORT (default 18042), PROFILE (default
# release). Needs valgrind (apt-get install valgrind).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=benches/lib.sh
. "$here/../lib.sh"

REQUESTS="${REQUESTS:-300}"
PORT="${PORT:-18042}"
PROFILE="${PROFILE:-release}"
[[ "$REQUESTS" =~ ^[0-9]+$ ]] && ((REQUESTS > 0 && REQUESTS <= 100000)) ||
    { echo "instructions.sh: REQUESTS is a number from 1 to 100000" >&2; exit 2; }

secret="a-benchmark-secret"
cd "$root"
cargo build --quiet --locked --profile "$PROFILE" --example senders
target="${CARGO_TARGET_DIR:-$root/target}"
binary="$target/$PROFILE/examples/senders"
[ "$PROFILE" = dev ] && binary="$target/debug/examples/senders"

scratch_and_servers_cleanup
python3 -c 'import json; print(json.dumps({"ref": "refs/heads/main", "padding": "x" * 1990}), end="")' \
    >"$work/body.json"
signature="sha256=$(openssl dgst -sha256 -hmac "$secret" -r <"$work/body.json" | cut -d' ' -f1)"

send_to() { # path count
    post_keep_alive "$PORT" "$1" "$work/body.json" "$2" "Content-Type: application/json" \
        "X-GitHub-Event: push" "X-GitHub-Delivery: d-1" "X-Hub-Signature-256: $signature"
}
send_github() { send_to /github "$1"; }
send_unsigned() { send_to /unsigned "$1"; }

count() { # name send
    callgrind_per_request instructions.sh "$1" "$2" "$PORT" "$binary" \
        WEBHOOK_ADDR="127.0.0.1:$PORT" GITHUB_SECRET="$secret" SENDERS_UNSIGNED_CONTROL=1
}

count unsigned send_unsigned
unsigned="$result"
count github send_github
github="$result"
sha256="$(callgrind_annotate --threshold=100 "$result_file" 2>/dev/null |
    awk '/sha2::sha256::compress/ { gsub(",", "", $1); total += $1 } END { print total + 0 }')"
sha256=$((sha256 / REQUESTS))
echo "== $REQUESTS requests a path, 2 kB body, profile $PROFILE: instructions a request"
printf '%-40s %10d\n' "POST /unsigned" "$unsigned"
printf '%-40s %10d\n' "POST /github" "$github"
printf '%-40s %10d\n' "  of which SHA-256's compression" "$sha256"
printf '%-40s %10d\n' "the check besides SHA-256" $((github - unsigned - sha256))
