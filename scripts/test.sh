#!/usr/bin/env bash
# Installs missing packages, builds every test in the Release configuration (the same build
# directory as run.sh, build/release, so what run.sh compiled is reused), and runs them all
# through ctest. Extra arguments go to ctest (e.g. -R 'e2e:').
# ORDERSTREAM_SANITIZE=asan|tsan|all then also runs scripts/sanitize.sh with that argument
# (1 means asan); those passes build their own configurations under build/asan and build/tsan.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
dir=$(BUILD_TYPE=${BUILD_TYPE:-Release} "$root/scripts/build.sh")
echo "orderstream: running the tests in $dir" >&2
(cd "$dir" && ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@")
case "${ORDERSTREAM_SANITIZE:-0}" in
  0) ;;
  1) "$root/scripts/sanitize.sh" asan ;;
  asan|tsan|all) "$root/scripts/sanitize.sh" "$ORDERSTREAM_SANITIZE" ;;
  *) echo "ORDERSTREAM_SANITIZE must be asan, tsan, all, 1 or 0" >&2; exit 2 ;;
esac
