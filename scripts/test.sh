#!/usr/bin/env bash
# Installs missing packages, builds RelWithDebInfo (-O2 -g), and runs every test through ctest.
# ORDERSTREAM_SANITIZE=asan|tsan|all then also runs scripts/sanitize.sh with that argument
# (1 means asan). It is off by default for developers, who get the plain suite quickly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
dir=$(BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$root/scripts/build.sh" | tail -n 1)
(cd "$dir" && ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@")
case "${ORDERSTREAM_SANITIZE:-0}" in
  0) ;;
  1) "$root/scripts/sanitize.sh" asan ;;
  asan|tsan|all) "$root/scripts/sanitize.sh" "$ORDERSTREAM_SANITIZE" ;;
  *) echo "ORDERSTREAM_SANITIZE must be asan, tsan, all, 1 or 0" >&2; exit 2 ;;
esac
