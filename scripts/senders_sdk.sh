#!/usr/bin/env bash
# The providers' official SDKs judge the sender presets over real HTTP on 127.0.0.1.
#
#   scripts/senders_sdk.sh                 # install (if needed), build, run every check
#   scripts/senders_sdk.sh --judges-only   # no build, no server: each judge signs, then verifies
#   scripts/senders_sdk.sh --preset stripe --preset slack   # a subset (any senders_sdk.py option)
#
# Installs tests/senders/ (npm SDKs from package-lock.json, Python SDKs from requirements.txt)
# into $target/senders-sdk/ (skipped when the stamp there matches the lock files' hash and the
# node/python versions), builds `cargo build --example senders`, runs scripts/senders_sdk.py.
# Its last line is always `N passed, M failed`; the exit status is 0 only when M is 0.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/tests/senders"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
dest="$target_dir/senders-sdk"
python="${SENDERS_SDK_BASE_PYTHON:-$(command -v python3.11 || command -v python3)}"

judges_only=0
for arg in "$@"; do
  [ "$arg" = "--judges-only" ] && judges_only=1
done

finished=0
on_exit() {
  local status=$?
  if [ "$finished" = 0 ]; then
    # Failed before the checks ran (install or build): still end with the line CI reads.
    echo "senders_sdk.sh: setup failed (exit $status)" >&2
    echo "0 passed, 1 failed"
    [ "$status" = 0 ] && status=1
  fi
  exit "$status"
}
trap on_exit EXIT

step() { printf '== %s\n' "$*" >&2; }

# ---- install ---------------------------------------------------------------------------------
lock_hash="$(
  {
    sha256sum "$src/package.json" "$src/package-lock.json" "$src/requirements.txt" | cut -d' ' -f1
    node --version
    "$python" --version
  } | sha256sum | cut -d' ' -f1
)"
mkdir -p "$dest"
if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$lock_hash" ] \
  && [ -d "$dest/node_modules" ] && [ -x "$dest/venv/bin/python" ]; then
  step "SDKs already installed in $dest (lock hash ${lock_hash:0:12})"
else
  step "installing the SDKs into $dest"
  rm -rf "$dest/node_modules" "$dest/venv" "$dest/.stamp"
  cp "$src/package.json" "$src/package-lock.json" "$src/requirements.txt" "$dest/"
  (cd "$dest" && timeout 900 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
  timeout 120 "$python" -m venv "$dest/venv"
  timeout 900 "$dest/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-deps --only-binary=:all: -r "$dest/requirements.txt"
  # --no-deps above: every dependency must be pinned in requirements.txt; pip check proves it.
  timeout 120 "$dest/venv/bin/python" -m pip check --disable-pip-version-check >&2
  echo "$lock_hash" > "$dest/.stamp"
fi
# The judges run from the install directory, next to node_modules and venv (cheap, always fresh).
cp "$src/judge.mjs" "$src/judge.py" "$dest/"

# ---- build -----------------------------------------------------------------------------------
server=""
if [ "$judges_only" = 0 ]; then
  step "cargo build --example senders"
  (cd "$root" && timeout 3600 cargo build --example senders)
  server="$target_dir/debug/examples/senders"
fi

# ---- run -------------------------------------------------------------------------------------
finished=1
set +e
"$python" "$root/scripts/senders_sdk.py" --sdk-dir "$dest" ${server:+--server "$server"} "$@"
status=$?
set -e
exit "$status"
