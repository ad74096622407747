#!/usr/bin/env bash
# Configures and builds into BUILD_DIR (default build/<type>) with CMAKE_BUILD_TYPE (default Release).
# BUILD_TARGETS (space-separated) builds only those targets, e.g. "orderstream" for run.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
type=${BUILD_TYPE:-Release}
dir=${BUILD_DIR:-$root/build/${type,,}}
targets=()
for t in ${BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)" "${targets[@]}"
echo "$dir"
