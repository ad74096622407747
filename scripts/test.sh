#!/usr/bin/env bash
# Installs missing packages, builds (Release with asserts kept), and runs every test through ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
dir=$(BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$root/scripts/build.sh" | tail -n 1)
cd "$dir"
ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
