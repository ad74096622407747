#!/usr/bin/env bash
# Runs every benchmark with its baseline in the same run and prints medians and ratios:
#   log append/read vs raw LMDB, orders/s through the pipeline, HTTP POST vs a minimal Beast
#   server (wrk), and POST->final latency at a fixed rate (load).
# Usage: scripts/bench.sh [RUNS]   (default 3 runs of each; the median is reported)
# Builds Release (BUILD_TYPE/BUILD_DIR override, as scripts/build.sh). Run it on a quiet
# machine: the load average is printed with the results because other work shows up as noise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
"$root/scripts/deps.sh"
dir=$("$root/scripts/build.sh" | tail -n 1)
bin="$dir/orderstream"
work=$(mktemp -d /tmp/orderstream-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

median() { sort -g | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]}'; }
# The number before `unit` on the line containing `label`, from the file `out`.
field() { grep "$2" "$1" | head -n 1 | sed -E "s#.*[^0-9.]([0-9.]+) *$3.*#\\1#"; }

# Starts a server command and waits for its "listening on ...:PORT" line; sets $port.
start_server() {  # log-file command...
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    if grep -qE 'listening on [^ ]*:[0-9]+' "$log"; then
      port=$(grep -oE 'listening on [^ ]*:[0-9]+' "$log" | head -n 1 | sed -E 's/.*:([0-9]+)$/\1/')
      return
    fi
    sleep 0.1
  done
  echo "server did not start: $(cat "$log")" >&2
  exit 1
}
stop_server() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

echo "orderstream benchmarks, $(date -u +%FT%TZ), commit $(git -C "$root" rev-parse --short HEAD)," \
  "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== log: 1,000,000 x 100 B records, batches of 1000, lazy sync"
for i in $(seq "$runs"); do
  "$bin" bench log --records 1000000 --sync-mode lazy --data-dir "$work/log$i" >"$work/log$i.out" 2>/dev/null
  field "$work/log$i.out" "log append:" "records/s" >>"$work/log_append"
  field "$work/log$i.out" "raw LMDB append:" "records/s" >>"$work/raw_append"
  field "$work/log$i.out" "append ratio:" "%" >>"$work/append_ratio"
  field "$work/log$i.out" "log sequential read:" "records/s" >>"$work/log_read"
done
echo "log append $(median <"$work/log_append") rec/s, raw LMDB $(median <"$work/raw_append") rec/s," \
  "ratio $(median <"$work/append_ratio") % (per-run ratios: $(paste -sd' ' "$work/append_ratio")); read $(median <"$work/log_read") rec/s"

for mode in lazy durable; do
  echo "== pipeline: 100,000 orders, 4 partitions, $mode sync"
  for i in $(seq "$runs"); do
    "$bin" bench pipeline --orders 100000 --partitions 4 --sync-mode "$mode" >"$work/pipe.out" 2>/dev/null
    field "$work/pipe.out" "orders/s to final" "orders/s" >>"$work/pipe_$mode"
  done
  echo "pipeline $mode: median $(median <"$work/pipe_$mode") orders/s (runs: $(paste -sd' ' "$work/pipe_$mode"))"
done

echo "== HTTP: wrk -t1 -c32 -d6s POST /v1/orders vs bench/http_baseline (fixed 200)"
start_server "$work/baseline.log" "$dir/bench/http_baseline" --port 0
for i in $(seq "$runs"); do
  wrk -t1 -c32 -d6s -s "$root/bench/http/post.lua" "http://127.0.0.1:$port" >"$work/wrk.out"
  field "$work/wrk.out" "Requests/sec" "" >>"$work/wrk_baseline"
done
stop_server
for mode in durable lazy; do
  start_server "$work/serve_$mode.log" "$bin" serve --data-dir "$work/data_$mode" --port 0 --sync-mode "$mode"
  curl -s -XPUT "http://127.0.0.1:$port/v1/inventory/JUMPERS" -d '{"stock":100000000}' >/dev/null
  for i in $(seq "$runs"); do
    wrk -t1 -c32 -d6s -s "$root/bench/http/post.lua" "http://127.0.0.1:$port" >"$work/wrk.out"
    if grep -q "Non-2xx" "$work/wrk.out"; then echo "wrk saw errors: $(cat "$work/wrk.out")" >&2; exit 1; fi
    field "$work/wrk.out" "Requests/sec" "" >>"$work/wrk_$mode"
  done
  echo "load --rate 1000 --orders 5000 ($mode):"
  "$bin" load --url "http://127.0.0.1:$port" --orders 5000 --concurrency 64 --rate 1000 --customers 1000 2>/dev/null |
    grep -E "orders/s|latency" | sed 's/^/  /'
  stop_server
done
base=$(median <"$work/wrk_baseline")
for mode in durable lazy; do
  m=$(median <"$work/wrk_$mode")
  echo "POST /v1/orders $mode: median $m req/s vs baseline $base req/s = $(awk -v a="$m" -v b="$base" 'BEGIN {printf "%.1f", 100 * a / b}') %" \
    "(runs: $(paste -sd' ' "$work/wrk_$mode"); baseline runs: $(paste -sd' ' "$work/wrk_baseline"))"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
