#!/usr/bin/env bash
# Installs missing packages, builds RelWithDebInfo (-O2 -g), and runs every test through ctest.
# ORDERSTREAM_SANITIZE=1 then also runs the ASan+UBSan pass (scripts/sanitize.sh asan). It is
# off by default, and so in CI: a sanitized compile costs 3.2-4.5x the CPU of a plain one
# (measured per translation unit), which would take CI to 60-78 of its 90 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
dir=$(BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "$root/scripts/build.sh" | tail -n 1)
(cd "$dir" && ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@")
if [ "${ORDERSTREAM_SANITIZE:-0}" = 1 ]; then "$root/scripts/sanitize.sh" asan; fi
