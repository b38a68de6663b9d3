#!/usr/bin/env bash
# Whether the tests built with the `otel` feature share every dependency's build with
# `cargo test --workspace` (CI's `otel` step then builds only OpenTelemetry's crates and ours).
#
# Each crate the workspace's tests build without the feature must be built with the same
# features with it: a crate whose features change is built again, with everything above it
# (`futures-util` or `syn` once rebuilt most of the tree: ~2 minutes of CI's 2 cores). The
# features the exporter turns on are turned on for every test build by the root package's
# dev-dependencies (Cargo.toml, below `fantoccini`). Prints the crates whose features differ
# and exits 1 if there are any; 0 when both builds agree.
#
#   scripts/otel_features.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# One line a crate and feature set, as `cargo tree` resolves the tests' build (dev-dependencies
# included), the workspace's own crates left out (the feature changes them by design).
features() {
  cargo tree --workspace --locked -e normal,build,dev --prefix none -f '{p} {f}' "$@" |
    sed 's/ (\*)$//; s/ (proc-macro)//' |
    grep -v ' (/' |
    sort -u
}

without="$(features)"
with="$(features --features webhook-examples/otel)"
# A line of the build without the feature that the build with it does not have: a crate whose
# features it changes (the crates only the exporter uses are lines of the second build only).
changed="$(comm -23 <(printf '%s\n' "$without") <(printf '%s\n' "$with"))"
if [ -n "$changed" ]; then
  echo "the otel feature changes the features of crates the other tests build too:"
  while read -r crate version _; do
    printf '  %s %s\n    without: %s\n    with:    %s\n' "$crate" "$version" \
      "$(printf '%s\n' "$without" | awk -v c="$crate" -v v="$version" '$1 == c && $2 == v { print $3 }' | paste -sd' ')" \
      "$(printf '%s\n' "$with" | awk -v c="$crate" -v v="$version" '$1 == c && $2 == v { print $3 }' | paste -sd' ')"
  done <<<"$changed"
  echo "turn the missing features on in the root Cargo.toml's dev-dependencies (or build-dependencies"
  echo "for a procedural macro's dependency) so that both builds agree"
  exit 1
fi
echo "the otel feature's build shares every other crate with the tests' build"
