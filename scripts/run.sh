#!/usr/bin/env bash
# Quick start: install missing packages, build the Release binary (only it: the tests are
# test.sh's), start the server on ./data.
# Extra arguments go to `orderstream serve` (e.g. --port 8080 --partitions 8).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
dir=$(BUILD_TARGETS=orderstream "$root/scripts/build.sh" | tail -n 1)
cd "$root"
exec "$dir/orderstream" --config "$root/config/orderstream.toml" serve "$@"
