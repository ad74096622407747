#!/usr/bin/env bash
# Power-cut loop: the real server under the power-loss simulator (tools/powerloss/), with
# concurrent orders and stock updates, SIGKILLed at random moments; every write to data.mdb
# since its last fdatasync is then undone (or a random half of them, as a disk reordering writes
# would), and the server restarts on what is left. Checks after the cuts: the server starts,
# `orderstream verify` is clean, the drained pipeline passes `audit --expect-drained`, and in
# durable mode every acknowledged order and every final state a client was told is in the log.
# Both sync modes run. Usage: scripts/powerloss.sh [CUTS] [SEED]  (defaults: 100, random; the
# seed is printed so a failure can be repeated). ctest runs the same loop with 5 cuts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cuts=${1:-100}
seed=${2:-$RANDOM$RANDOM}
build="$root/build/release"
if [ ! -f "$build/CMakeCache.txt" ]; then
  bash "$root/scripts/deps.sh"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target orderstream crash_tests powerloss powerloss-cut >&2
echo "powerloss: $cuts cuts per mode, ORDERSTREAM_CRASH_SEED=$seed" >&2
ORDERSTREAM_CRASH_KILLS=$cuts ORDERSTREAM_CRASH_SEED=$seed \
  "$build/tests/crash_tests" --test-case="power cuts*" --success=false
