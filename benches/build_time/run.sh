#!/usr/bin/env bash
# What the `#[on]` DSL costs at build time: a generated bot of N handlers (default 200), written
# once with `#[on]` + `main!()` and once with the builder API, built side by side in one run.
#
#   benches/build_time/run.sh            # 200 handlers
#   HANDLERS=50 benches/build_time/run.sh
#
# Both bots live in a temporary workspace that depends on this checkout's `clustaar-webhook` crate by
# path and shares one target directory, so the dependencies are built once, untimed. Then, for
# each bot: a clean build of the bot crate (`cargo clean -p <bot>` first) and an incremental
# build after one handler's body changes. Debug profile, as `cargo run` during development.
# Each build is timed ROUNDS times (default 2, at most 5); the summary gives the best of each.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HANDLERS="${HANDLERS:-200}"
ROUNDS="${ROUNDS:-2}"
for value in "$HANDLERS" "$ROUNDS"; do
    if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
        echo "run.sh: HANDLERS and ROUNDS must be positive integers (got '$value')" >&2
        exit 2
    fi
done
if ((HANDLERS > 5000 || ROUNDS > 5)); then
    echo "run.sh: HANDLERS is at most 5000 and ROUNDS at most 5" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The n-th handler's step id: 24 lowercase hex digits.
step_id() { printf '507f191e%016x' "$1"; }

# (a) the workspace
cat >"$work/Cargo.toml" <<TOML
[workspace]
members = ["dsl_bot", "builder_bot"]
resolver = "2"

[workspace.dependencies]
clustaar-webhook = { path = "$root/webhook" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
TOML
cp "$root/Cargo.lock" "$work/Cargo.lock"
for bot in dsl_bot builder_bot; do
    mkdir -p "$work/$bot/src"
    cat >"$work/$bot/Cargo.toml" <<TOML
[package]
name = "$bot"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
clustaar-webhook = { workspace = true }
tokio = { workspace = true }
TOML
done

# (b) the DSL bot: one `#[on]` function a step id, with the answer's text as its only body.
{
    echo 'use clustaar_webhook::prelude::*;'
    for ((n = 0; n < HANDLERS; n++)); do
        cat <<RUST

#[on(step_reached, step_id = "$(step_id "$n")")]
async fn handler_$n(event: StepReached) -> StepReachedResponse {
    let _ = event;
    StepReachedResponse::new().action(SendTextAction::new(["answer $n"]))
}
RUST
    done
    echo
    echo 'clustaar_webhook::main!();'
} >"$work/dsl_bot/src/main.rs"

# (c) the same bot with the builder API
{
    echo 'use clustaar_webhook::prelude::*;'
    for ((n = 0; n < HANDLERS; n++)); do
        cat <<RUST

async fn handler_$n(event: StepReached) -> StepReachedResponse {
    let _ = event;
    StepReachedResponse::new().action(SendTextAction::new(["answer $n"]))
}
RUST
    done
    echo
    echo '#[tokio::main]'
    echo 'async fn main() -> std::io::Result<()> {'
    echo '    Webhook::new()'
    for ((n = 0; n < HANDLERS; n++)); do
        echo "        .on(topics::STEP_REACHED, handler_$n, StepId::new(\"$(step_id "$n")\"))"
    done
    echo '        .serve("127.0.0.1:8000")'
    echo '        .await'
    echo '}'
} >"$work/builder_bot/src/main.rs"

cd "$work"
export CARGO_TARGET_DIR="$work/target" CARGO_TERM_COLOR=never
echo "== building the dependencies (untimed)"
cargo build --quiet -p builder_bot -p dsl_bot

seconds() { # command...: runs it, prints the wall time in seconds
    local start end
    start="$(date +%s.%N)"
    "$@" >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
    end="$(date +%s.%N)"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }'
}

: >"$work/results"
for round in $(seq 1 "$ROUNDS"); do
    for bot in dsl_bot builder_bot; do
        cargo clean --quiet -p "$bot"
        clean="$(seconds cargo build -p "$bot")"
        # One handler's answer changes, as in a typical edit.
        sed -i "s/\"answer 0\"/\"answer 0 r$round\"/" "$bot/src/main.rs"
        incremental="$(seconds cargo build -p "$bot")"
        echo "$bot $round $clean $incremental" >>"$work/results"
        echo "   round $round $bot: clean ${clean}s, incremental ${incremental}s"
    done
done

echo
echo "== summary: $HANDLERS handlers, debug profile, $(nproc) CPUs, best of $ROUNDS rounds"
awk '
    { key = $1; if (!(key in clean) || $3 < clean[key]) clean[key] = $3
                if (!(key in inc) || $4 < inc[key]) inc[key] = $4 }
    END {
        printf "%-12s %10s %14s\n", "bot", "clean (s)", "incremental (s)"
        printf "%-12s %10.2f %14.2f\n", "dsl_bot", clean["dsl_bot"], inc["dsl_bot"]
        printf "%-12s %10.2f %14.2f\n", "builder_bot", clean["builder_bot"], inc["builder_bot"]
        printf "dsl/builder: clean %.2fx, incremental %.2fx\n", clean["dsl_bot"] / clean["builder_bot"], inc["dsl_bot"] / inc["builder_bot"]
    }' "$work/results"
