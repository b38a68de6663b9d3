#!/usr/bin/env bash
# The echo against the reference, in one run: `cargo bench --bench models -- 'echo$'` (load +
# validation of the echo answer + dump, groups `models` and `models_rich`), then the reference
# (clustaar.schemas 1.10.0) doing the same on the same bytes (scripts/reference_echo.py, in the
# differential test's virtualenv, created here when missing), and the ratios.
#
#   benches/models_vs_reference.sh
#
# Environment: MEASUREMENT (criterion's seconds a benchmark, default 3), WARMUP (default 1),
# ROUNDS (the reference's rounds, best kept, default 5), MIN_TIME (seconds a round, default 0.5).
# Criterion's medians are compared with the reference's best round (its fastest: the ratios
# are not flattered by a slow Python round).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')}"
venv="$target_dir/differential-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  constraints="$(mktemp)"
  echo 'setuptools<70' > "$constraints"
  PIP_CONSTRAINT="$constraints" "$venv/bin/pip" install --quiet clustaar.schemas==1.10.0
  rm -f "$constraints"
fi

notification="$(mktemp)"
trap 'rm -f "$notification"' EXIT
MODELS_WRITE_NOTIFICATION="$notification" cargo bench --bench models -- \
  --warm-up-time "${WARMUP:-1}" --measurement-time "${MEASUREMENT:-3}" 'echo$'
reference="$("$venv/bin/python" scripts/reference_echo.py --every-action "$notification" \
  --rounds "${ROUNDS:-5}" --min-time "${MIN_TIME:-0.5}")"

median_us() { # criterion group/bench
  python3 -c 'import json, sys; print("%.1f" % (json.load(open(sys.argv[1]))["median"]["point_estimate"] / 1000))' \
    "$target_dir/criterion/$1/new/estimates.json"
}

echo
echo "| fixture | size | ours (median) | reference (best round) | ratio |"
echo "|---|---|---|---|---|"
while read -r name bytes reference_us refused; do
  case "$name" in
    every_action) bench=models/echo ;;
    rich) bench=models_rich/echo ;;
    *) continue ;;
  esac
  ours_us="$(median_us "$bench")"
  ratio="$(python3 -c "print(f'{$reference_us / $ours_us:.0f}')")"
  echo "| $name ($bench) | $bytes B | $ours_us µs | $reference_us µs ($refused) | ${ratio}x |"
done <<< "$reference"
