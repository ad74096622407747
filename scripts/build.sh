#!/usr/bin/env bash
# Configures and builds into BUILD_DIR (default build/<type>) with CMAKE_BUILD_TYPE (default
# Release). BUILD_TARGETS (space-separated) builds only those targets, e.g. "orderstream".
# The build's progress goes to stderr; stdout gets one line, the build directory, so callers can
# write dir=$(scripts/build.sh). The default Release build also links bin/orderstream to its binary,
# the stable path the README uses.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
type=${BUILD_TYPE:-Release}
dir=${BUILD_DIR:-$root/build/${type,,}}
targets=()
for t in ${BUILD_TARGETS:-}; do targets+=(--target "$t"); done
if [ ! -e "$dir/orderstream" ]; then
  echo "orderstream: first $type build into $dir: 3-5 minutes for the binary on 2 cores," \
       "7-10 more with the tests; later builds recompile only what changed" >&2
fi
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >&2
cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >&2
if [ "$dir" = "$root/build/release" ] && [ -x "$dir/orderstream" ]; then
  mkdir -p "$root/bin"
  ln -sfn ../build/release/orderstream "$root/bin/orderstream"
fi
echo "$dir"
