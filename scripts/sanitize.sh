#!/usr/bin/env bash
# Builds and runs the test suite under sanitizers: ASan+UBSan over everything, TSan over the
# threaded parts (log, stream, http, services). Usage: scripts/sanitize.sh [asan|tsan|all]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
which=${1:-all}
run() {  # name sanitizers ctest-args...
  local name=$1 san=$2; shift 2
  local dir="$root/build/$name"
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOS_SANITIZE="$san" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)" --timeout 900 "$@")
}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
if [ "$which" = asan ] || [ "$which" = all ]; then run asan address,undefined; fi
if [ "$which" = tsan ] || [ "$which" = all ]; then run tsan thread -R '^(log|stream|http|services): '; fi
