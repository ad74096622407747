#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang, ASan+UBSan) in build/fuzz and runs each, one
# at a time, for a bounded time from its seed corpus tests/fuzz/corpus/<target>/. New inputs go
# to build/fuzz/corpus/<target>/ (the committed seeds stay small); crashes to build/fuzz/artifacts/.
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]   (default 60 s, every target)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json_codec http_request kafka_request)
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found; install clang-14 and libclang-rt-14-dev" >&2
  exit 2
fi
"$root/scripts/deps.sh"
dir="$root/build/fuzz"
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOS_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++ -DOS_SANITIZE=address,undefined >/dev/null
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]/%/_fuzz}"
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${targets[@]}"; do
  mkdir -p "$dir/corpus/$t" "$dir/artifacts/$t"
  # Per target: its dictionary; for HTTP also long inputs from the start (bodies, header limits).
  extra=()
  case $t in
    json_codec) extra=(-dict="$root/tests/fuzz/json.dict") ;;
    http_request) extra=(-dict="$root/tests/fuzz/http.dict" -len_control=0) ;;
    kafka_request) extra=(-len_control=0) ;;
  esac
  echo "== $t: ${seconds}s" >&2
  # -timeout: one input may not take longer than 30 s (the HTTP target aborts a hang after 10 s).
  if ! "$dir/tests/fuzz/${t}_fuzz" "$dir/corpus/$t" "$root/tests/fuzz/corpus/$t" \
      -max_total_time="$seconds" -timeout=30 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$dir/artifacts/$t/" "${extra[@]}" 2>"$dir/$t.log"; then
    echo "fuzz.sh: $t found a failure; see $dir/$t.log and $dir/artifacts/$t/" >&2
    status=1
  fi
  tail -n 15 "$dir/$t.log" >&2
done
exit $status
