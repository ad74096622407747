#!/usr/bin/env bash
# Configures and builds into BUILD_DIR (default build/<type>) with CMAKE_BUILD_TYPE (default Release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
type=${BUILD_TYPE:-Release}
dir=${BUILD_DIR:-$root/build/${type,,}}
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
echo "$dir"
