#!/usr/bin/env bash
# Builds and runs the test suite under sanitizers: ASan+UBSan over everything, TSan over the
# threaded parts (log, stream, services, http, sql, the Kafka backend's cluster layer) and the
# end-to-end tests that drive the server's threads over HTTP. Usage: scripts/sanitize.sh [asan|tsan|all]
# TSan builds link tools/tsan/thrd_create_shim.cpp and read tools/tsan/librdkafka.supp: librdkafka's
# C11 threads and mutexes are invisible to TSan otherwise (see those files).
# Sanitized code is built at -O1 -g1: at -O2 -g one translation unit costs 3.2-4.5x the CPU of a
# plain build, and -O1 keeps the stack traces exact while the run still exercises optimised code.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
which=${1:-all}
run() {  # name sanitizers test-regex targets...
  local name=$1 san=$2 regex=$3; shift 3
  local dir="$root/build/$name"
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOS_SANITIZE="$san" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
  cmake --build "$dir" -j"$(nproc)" ${1:+--target "$@"}
  # Reports go to files, so that one from a server an end-to-end test started (and perhaps
  # SIGKILLed afterwards) is not lost with that process's stderr.
  local reports="$dir/sanitizer-reports"
  rm -rf "$reports" && mkdir -p "$reports"
  local log="log_path=$reports/report" status=0
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:$log" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:$log" \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tools/tsan/librdkafka.supp:$log" \
    bash -c 'cd "$1" && ctest --output-on-failure -j"$(nproc)" --timeout 900 -R "$2"' _ "$dir" \
    "$regex" || status=$?
  if compgen -G "$reports/report*" >/dev/null; then
    cat "$reports"/report* >&2
    echo "sanitizer reports above ($reports)" >&2
    return 1
  fi
  return "$status"
}
if [ "$which" = asan ] || [ "$which" = all ]; then run asan address,undefined .; fi
if [ "$which" = tsan ] || [ "$which" = all ]; then
  run tsan thread '^(log|stream|services|http|api|sql|e2e|cluster):' \
    log_tests stream_tests services_tests http_tests api_tests sql_tests e2e_tests cluster_tests \
    kafka_mock_cluster orderstream
fi
