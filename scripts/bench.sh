#!/usr/bin/env bash
# Runs every benchmark with its baseline in the same run and prints medians and ratios:
#   log append/read vs raw LMDB, orders/s through the pipeline, HTTP POST vs a minimal Beast
#   server (wrk -c32) and vs Redis XADD with appendfsync always (wrk -c50 / redis-benchmark
#   -c50, no pipelining), and POST->final latency (one client; load at a fixed rate; flat out);
#   the Kafka listener with librdkafka (bench/kafka) and kcat vs `bench log` (issue 13).
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
dir=$(BUILD_TARGETS="orderstream http_baseline kafka_bench" "$root/scripts/build.sh")
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
# The Kafka listener (issue 13): a librdkafka producer (acks=all) and assign-based consumer
# (bench/kafka/kafka_bench) and kcat's own rates for the same 1,000,000 x 100 B records, on 1
# partition (the fair comparison with `bench log`, which writes one) and on 4, beside a
# `bench log` of the same records in each run; then produce-to-consume latency at 10,000/s.
# A fresh server and data dir per run, so no run reads or grows another's log.
kafka_records=1000000
# kcat sends a line per record: the same 100 B (a..z repeating) as bench log and kafka_bench.
awk -v n="$kafka_records" 'BEGIN {for (i = 0; i < 100; i++) r = r sprintf("%c", 97 + i % 26); for (i = 0; i < n; i++) print r}' \
  >"$work/kcat_records"
ns() { date +%s%N; }
rate() { awk -v n="$1" -v t0="$2" -v t1="$3" 'BEGIN {printf "%.0f\n", n / ((t1 - t0) / 1e9)}'; }
kbench() {  # mode topic out-file args...: one kafka_bench run; any error fails the script
  local mode=$1 topic=$2 out=$3; shift 3
  if ! "$dir/bench/kafka/kafka_bench" "$mode" --brokers "$kafka" --topic "$topic" "$@" >"$out" 2>"$out.err"; then
    echo "kafka_bench $mode $topic failed: $(cat "$out" "$out.err")" >&2; exit 1
  fi
}
echo "== kafka: $kafka_records x 100 B, acks=all, librdkafka 2.0.2 (kafka_bench; linger.ms=5, batch.size 1 MB)" \
  "and kcat 1.7.1 (its defaults + acks=all), vs bench log in the same run"
for i in $(seq "$runs"); do
  "$bin" bench log --records "$kafka_records" --data-dir "$work/klog$i" >"$work/klog.out" 2>/dev/null
  field "$work/klog.out" "log append:" "records/s" >>"$work/k_log_produce"
  field "$work/klog.out" "log sequential read:" "records/s" >>"$work/k_log_consume"
  rm -rf "$work/klog$i"
  start_server "$work/kserve$i.log" "$bin" serve --data-dir "$work/kdata$i" --port 0 --kafka-listener 127.0.0.1:0
  for _ in $(seq 1 100); do grep -q 'kafka listener on' "$work/kserve$i.log" && break; sleep 0.1; done
  kafka=$(grep -oE 'kafka listener on [^ ]+' "$work/kserve$i.log" | head -n 1 | cut -d' ' -f4)
  for parts in 1 4; do
    for t in kb kc; do "$bin" topics create "$t$parts" --partitions "$parts" --data-dir "$work/kdata$i" >/dev/null; done
    kbench produce "kb$parts" "$work/kp.out" --records "$kafka_records" --size 100
    field "$work/kp.out" "produce rate:" "records/s" >>"$work/k_produce$parts"
    kbench consume "kb$parts" "$work/kc.out" --records "$kafka_records" --size 100
    field "$work/kc.out" "consume rate:" "records/s" >>"$work/k_consume$parts"
    t0=$(ns)
    kcat -P -b "$kafka" -t "kc$parts" -X acks=all <"$work/kcat_records" 2>"$work/kcatp.err"
    t1=$(ns)
    if [ -s "$work/kcatp.err" ]; then echo "kcat -P reported: $(head -n 5 "$work/kcatp.err")" >&2; exit 1; fi
    rate "$kafka_records" "$t0" "$t1" >>"$work/kcat_produce$parts"
    t0=$(ns)
    got=$(kcat -C -b "$kafka" -t "kc$parts" -o beginning -e -q | wc -l)
    t1=$(ns)
    # Every record kcat sent must come back: this is also the check on kcat's produce run.
    if [ "$got" != "$kafka_records" ]; then echo "kcat -C read $got of $kafka_records records" >&2; exit 1; fi
    rate "$kafka_records" "$t0" "$t1" >>"$work/kcat_consume$parts"
  done
  # Latency with librdkafka's defaults (linger.ms=5, up to 1,000,000 requests in flight), and
  # tuned for it: no linger, one request in flight, so records wait for the previous ack.
  for lat in default tuned; do
    args=(); [ "$lat" = tuned ] && args=(--linger-ms 0 -X max.in.flight=1)
    "$bin" topics create "kl$lat" --partitions 1 --data-dir "$work/kdata$i" >/dev/null
    kbench latency "kl$lat" "$work/kl.out" --rate 10000 --records 100000 --size 100 "${args[@]}"
    for q in p50 p99 p99.9 max; do field "$work/kl.out" "latency $q:" "ms" >>"$work/k_lat_${lat}_$q"; done
  done
  stop_server
  rm -rf "$work/kdata$i"
done
runs_of() { paste -sd' ' "$1"; }
# Each run's figure over the same run's bench log figure.
run_ratios() { paste -d' ' "$1" "$2" | awk '{printf "%s%.2f", (NR > 1 ? " " : ""), $1 / $2} END {print ""}'; }
echo "bench log (same runs): append median $(median <"$work/k_log_produce") rec/s (runs: $(runs_of "$work/k_log_produce"))," \
  "sequential read median $(median <"$work/k_log_consume") rec/s (runs: $(runs_of "$work/k_log_consume"))"
for parts in 1 4; do
  for what in produce consume; do  # produce is compared with bench log's append, consume with its read
    base=$(median <"$work/k_log_$what")
    k=$(median <"$work/k_$what$parts")
    c=$(median <"$work/kcat_$what$parts")
    echo "kafka $what, $parts partition(s): kafka_bench median $k rec/s ($(ratio "$k" "$base")x bench log;" \
      "runs: $(runs_of "$work/k_$what$parts"); per-run ratios: $(run_ratios "$work/k_$what$parts" "$work/k_log_$what"));" \
      "kcat median $c rec/s ($(ratio "$c" "$base")x; runs: $(runs_of "$work/kcat_$what$parts");" \
      "per-run ratios: $(run_ratios "$work/kcat_$what$parts" "$work/k_log_$what"))"
  done
done
for lat in default tuned; do
  l="$work/k_lat_$lat"
  echo "kafka produce-to-consume latency at 10,000 rec/s, 1 partition, $lat settings (medians of runs, ms):" \
    "p50 $(median <"${l}_p50") ($(runs_of "${l}_p50")), p99 $(median <"${l}_p99") ($(runs_of "${l}_p99")),"\
    "p99.9 $(median <"${l}_p99.9") ($(runs_of "${l}_p99.9")), max $(median <"${l}_max") ($(runs_of "${l}_max"))"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
