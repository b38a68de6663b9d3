#!/usr/bin/env bash
# Differential test against the reference: installs clustaar.schemas 1.10.0 from PyPI in a
# virtualenv (its sdist builds with setuptools<70), builds the Rust dumper, compares the dumps.
#   scripts/differential.sh [variations per fixture, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
venv="$target_dir/differential-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  constraints="$(mktemp)"
  echo 'setuptools<70' > "$constraints"
  PIP_CONSTRAINT="$constraints" "$venv/bin/pip" install --quiet clustaar.schemas==1.10.0
  rm -f "$constraints"
fi
cargo build --quiet --example models_dump
"$venv/bin/python" scripts/differential.py clustaar-schemas/tests/fixtures/v1 "$target_dir/debug/examples/models_dump" "${1:-20}"
