#!/usr/bin/env bash
# Quick start: install missing packages, build the Release binary (only it: the tests are
# test.sh's), start the server on ./data of the clone, and say what to try next.
# Extra arguments go to `orderstream serve` (e.g. --port 8080 --partitions 8).
# Ctrl-C stops the server cleanly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
BUILD_TARGETS=orderstream "$root/scripts/build.sh" >/dev/null
cd "$root"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bin/orderstream --config config/orderstream.toml serve "$@" > >(tee "$out") &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM
# Wait for the listening line (or for the server to exit), then print the next steps once.
url=""
while kill -0 "$pid" 2>/dev/null; do
  url=$(grep -o 'listening on http://[^ ]*' "$out" | head -n 1 | cut -d' ' -f3) || true
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -n "$url" ]; then
  cat >&2 <<HINT
orderstream: the web console is at $url/ui/ (open it in a browser).
orderstream: the server runs in this terminal (Ctrl-C stops it). In another one, from $root:
  curl -s $url/health    # the server's state: {"status":"ok",...}
  bin/orderstream topics list    # the binary; reads the log beside the server (--help: every command)
  kcat -b 127.0.0.1:9092 -L      # any Kafka client works too (README, "Kafka clients")
  README.md, "A first session", goes on from there: customers, orders, payments, emails, SQL, groups.
HINT
fi
status=0
wait "$pid" || status=$?
# A second wait covers the Ctrl-C case: the first returns when the trap runs.
kill -0 "$pid" 2>/dev/null && { wait "$pid" || status=$?; }
exit "$status"
