#!/usr/bin/env bash
# Installs the Debian packages orderstream needs, if any are missing, and the Node.js packages of
# package-lock.json (kafkajs for the Kafka client tests and examples/node-emailer, playwright-core
# to drive chromium in the web console's browser tests) into node_modules when it is missing or
# older than the lockfile. Safe to run repeatedly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# python3-kafka and python3-confluent-kafka are the Python Kafka clients the e2e tests drive (for
# /usr/bin/python3); python3-snappy, -lz4 and -zstandard give kafka-python those codecs.
# librdkafka-dev (found through pkg-config) is the binary's client of an Apache Kafka cluster.
# chromium (headless) is the real browser of the web console's tests.
pkgs=(build-essential cmake pkg-config libboost1.81-dev liblmdb-dev libsimdjson-dev libcli11-dev doctest-dev curl nodejs kcat
      zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev librdkafka-dev
      python3-kafka python3-confluent-kafka python3-snappy python3-lz4 python3-zstandard chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
updated=0
apt_install() {
  echo "installing: $*" >&2
  [ "$updated" -eq 1 ] || { $SUDO apt-get update -qq; updated=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >&2
}
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
# Debian 12's nodejs comes without npm; a nodejs from elsewhere (nodesource) brings its own, and
# the Debian npm package would conflict with it, so install it only when there is none.
command -v npm >/dev/null 2>&1 || apt_install npm
if [ ! -d "$root/node_modules" ] || [ "$root/package-lock.json" -nt "$root/node_modules" ]; then
  echo "installing the Node.js packages of package-lock.json (npm ci)" >&2
  (cd "$root" && npm ci --no-audit --no-fund >&2)
  touch "$root/node_modules"  # npm ci may keep the folder's time; mark it as newer than the lockfile
fi
