#!/usr/bin/env bash
# What moving the Clustaar models into their own crate (`clustaar-schemas`, issue 25) does to the
# build of a bot: `cargo build --example bot` in a worktree of the commit before the move
# ("before", BEFORE, default 022d71a) and in this checkout ("after"), alternated (before, after,
# before, after...) so that a noisy machine weighs on both alike.
#
#   benches/build_time/models_crate.sh             # 3 rounds of each case
#   ROUNDS=5 benches/build_time/models_crate.sh
#
# Cases, each timed ROUNDS times per side:
#   clean    a clean build of the framework and the bot: `cargo clean -p clustaar-webhook` (before),
#            `cargo clean -p clustaar-webhook -p clustaar-schemas` (after) first; the registry
#            dependencies stay built;
#   runtime  the rebuild after touching a file of the runtime (webhook/src/builder.rs);
#   model    the rebuild after touching a model file (the models' text.rs).
# Both sides share one target directory (CARGO_TARGET_DIR, default this checkout's target/;
# their paths differ, so their artifacts do not mix) and the environment of the caller
# (CARGO_INCREMENTAL, CARGO_PROFILE_DEV_DEBUG...). The summary gives the median and the minimum
# of each case; the load average is printed with each run.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BEFORE="${BEFORE:-022d71a}"
ROUNDS="${ROUNDS:-3}"
if ! [[ "$ROUNDS" =~ ^[1-9]$ ]]; then
    echo "models_crate.sh: ROUNDS must be 1 to 9 (got '$ROUNDS')" >&2
    exit 2
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

before="$(mktemp -d)/before"
git -C "$root" worktree add --quiet --detach "$before" "$BEFORE"
trap 'git -C "$root" worktree remove --force "$before"; rm -rf "$(dirname "$before")"' EXIT
after="$root"
results="$(dirname "$before")/results"

# build <case> <side> <dir>: one timed `cargo build --example bot`, appended to the results.
build() {
    local load start end
    load="$(cut -d' ' -f1 /proc/loadavg)"
    start="$(date +%s.%N)"
    (cd "$3" && cargo build --quiet --example bot)
    end="$(date +%s.%N)"
    local seconds
    seconds="$(echo "$end - $start" | bc)"
    printf '%-8s %-6s %6.1f s   (load average %s)\n' "$1" "$2" "$seconds" "$load"
    printf '%s %s %s\n' "$1" "$2" "$seconds" >>"$results"
}

echo "before: $(git -C "$before" log -1 --format='%h %s' | cut -c1-60)"
echo "after:  $(git -C "$after" log -1 --format='%h %s' | cut -c1-60)"
echo "$(nproc) cores; target directory $CARGO_TARGET_DIR"

# Untimed: the registry dependencies of both sides.
(cd "$before" && cargo build --quiet --example bot)
(cd "$after" && cargo build --quiet --example bot)

for _ in $(seq "$ROUNDS"); do
    (cd "$before" && cargo clean --quiet -p webhook)
    build clean before "$before"
    (cd "$after" && cargo clean --quiet -p clustaar-webhook -p clustaar-schemas)
    build clean after "$after"
done
# `cargo clean -p clustaar-webhook` cleans every package of that name, the other side's too: build both
# again, untimed, before the rebuilds.
(cd "$before" && cargo build --quiet --example bot)
(cd "$after" && cargo build --quiet --example bot)
for _ in $(seq "$ROUNDS"); do
    touch "$before/webhook/src/builder.rs"
    build runtime before "$before"
    touch "$after/webhook/src/builder.rs"
    build runtime after "$after"
done
for _ in $(seq "$ROUNDS"); do
    touch "$before/webhook/src/models/text.rs"
    build model before "$before"
    touch "$after/clustaar-schemas/src/text.rs"
    build model after "$after"
done

echo
echo "case     side    median   min"
for case in clean runtime model; do
    for side in before after; do
        awk -v c="$case" -v s="$side" '$1 == c && $2 == s { print $3 }' "$results" | sort -n |
            awk -v c="$case" -v s="$side" '
                { v[NR] = $1 }
                END {
                    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                    printf "%-8s %-6s %6.1f s %5.1f s\n", c, s, m, v[1]
                }'
    done
done
