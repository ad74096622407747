#!/usr/bin/env bash
# Runs every benchmark with its baseline in the same run and prints medians and ratios:
#   log append/read vs raw LMDB, orders/s through the pipeline, HTTP POST vs a minimal Beast
#   server (wrk -c32) and vs Redis XADD with appendfsync always (wrk -c50 / redis-benchmark
#   -c50, no pipelining), and POST->final latency (one client; load at a fixed rate; flat out).
# Usage: scripts/bench.sh [RUNS]   (default 3 runs of each; the median is reported)
# Builds Release (BUILD_TYPE/BUILD_DIR override, as scripts/build.sh). Run it on a quiet
# machine: the load average is printed with the results because other work shows up as noise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
"$root/scripts/deps.sh"
# The load generators and the Redis baseline, from Debian, installed only for benchmarks.
bench_pkgs=(wrk redis-server redis-tools)
missing=()
for p in "${bench_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
dir=$(BUILD_TARGETS="orderstream http_baseline" "$root/scripts/build.sh")
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

echo "== log: 1,000,000 x 100 B records, batches of 1000 (each commit fdatasyncs its pages)"
for i in $(seq "$runs"); do
  "$bin" bench log --records 1000000 --data-dir "$work/log$i" >"$work/log$i.out" 2>/dev/null
  field "$work/log$i.out" "log append:" "records/s" >>"$work/log_append"
  field "$work/log$i.out" "raw LMDB append:" "records/s" >>"$work/raw_append"
  field "$work/log$i.out" "append ratio:" "%" >>"$work/append_ratio"
  field "$work/log$i.out" "log sequential read:" "records/s" >>"$work/log_read"
done
echo "log append $(median <"$work/log_append") rec/s, raw LMDB $(median <"$work/raw_append") rec/s," \
  "ratio $(median <"$work/append_ratio") % (per-run ratios: $(paste -sd' ' "$work/append_ratio")); read $(median <"$work/log_read") rec/s"

echo "== pipeline: 200,000 orders, 4 partitions"
for i in $(seq "$runs"); do
  "$bin" bench pipeline --orders 200000 --partitions 4 >"$work/pipe.out" 2>/dev/null
  field "$work/pipe.out" "orders/s to final" "orders/s" >>"$work/pipe"
done
echo "pipeline: median $(median <"$work/pipe") orders/s (runs: $(paste -sd' ' "$work/pipe"))"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
wrk_post() {  # connections out-file: one wrk run of POST /v1/orders against $port
  wrk -t1 -c"$1" -d6s -s "$root/bench/http/post.lua" "http://127.0.0.1:$port" >"$work/wrk.out"
  if grep -q "Non-2xx" "$work/wrk.out"; then echo "wrk saw errors: $(cat "$work/wrk.out")" >&2; exit 1; fi
  field "$work/wrk.out" "Requests/sec" "" >>"$2"
}

echo "== HTTP baselines: bench/http_baseline (fixed 200, wrk -c32); Redis XADD, appendfsync always (-c50)"
start_server "$work/baseline.log" "$dir/bench/http_baseline" --port 0
for i in $(seq "$runs"); do
  wrk -t1 -c32 -d6s -s "$root/bench/http/post.lua" "http://127.0.0.1:$port" >"$work/wrk.out"
  field "$work/wrk.out" "Requests/sec" "" >>"$work/wrk_baseline"
done
stop_server
# Redis on a free port in a temp dir; every XADD is fsynced before its reply (group commit per
# event-loop pass), 50 clients, no pipelining, a 200-byte field like an order.
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes \
  --appendfsync always --save '' >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
payload=$(head -c 200 /dev/zero | tr '\0' x)
for i in $(seq "$runs"); do
  redis-benchmark -p "$redis_port" -c 50 -n 200000 -P 1 -q XADD orders '*' order "$payload" \
    | tr '\r' '\n' | grep -oE '[0-9.]+ requests per second' | tail -n 1 | cut -d' ' -f1 >>"$work/redis_xadd"
done
stop_server

for mode in durable lazy; do
  start_server "$work/serve_$mode.log" "$bin" serve --data-dir "$work/data_$mode" --port 0 --kafka-listener 127.0.0.1:0 --sync-mode "$mode"
  curl -s -XPUT "http://127.0.0.1:$port/v1/inventory/JUMPERS" -d '{"stock":100000000}' >/dev/null
  for i in $(seq "$runs"); do
    wrk_post 32 "$work/wrk_$mode"
    wrk_post 50 "$work/wrk50_$mode"
  done
  echo "one client, POST then GET /validated, latency to final ($mode):"
  "$bin" load --url "http://127.0.0.1:$port" --orders 3000 --concurrency 1 --customers 1000 2>/dev/null |
    grep -E "orders/s|latency" | sed 's/^/  /'
  echo "load --concurrency 64 --rate 1000 --orders 10000 ($mode):"
  "$bin" load --url "http://127.0.0.1:$port" --orders 10000 --concurrency 64 --rate 1000 --customers 1000 2>/dev/null |
    grep -E "orders/s|latency" | sed 's/^/  /'
  echo "load --concurrency 64 --orders 50000, flat out ($mode):"
  "$bin" load --url "http://127.0.0.1:$port" --orders 50000 --concurrency 64 --customers 1000 2>/dev/null |
    grep -E "orders/s|latency|final" | sed 's/^/  /'
  stop_server
done
base=$(median <"$work/wrk_baseline")
redis=$(median <"$work/redis_xadd")
for mode in durable lazy; do
  m=$(median <"$work/wrk_$mode")
  m50=$(median <"$work/wrk50_$mode")
  echo "POST /v1/orders $mode -c32: median $m req/s vs http_baseline $base req/s = $(ratio "$m" "$base")x" \
    "(runs: $(paste -sd' ' "$work/wrk_$mode"); baseline runs: $(paste -sd' ' "$work/wrk_baseline"))"
  echo "POST /v1/orders $mode -c50: median $m50 req/s vs Redis XADD always $redis req/s = $(ratio "$m50" "$redis")x" \
    "(runs: $(paste -sd' ' "$work/wrk50_$mode"); Redis runs: $(paste -sd' ' "$work/redis_xadd"))"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
