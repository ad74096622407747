#!/usr/bin/env bash
# Installs the Debian packages orderstream needs, if any are missing. Safe to run repeatedly.
set -euo pipefail
pkgs=(build-essential cmake libboost1.81-dev liblmdb-dev libsimdjson-dev libcli11-dev doctest-dev curl nodejs kcat
      zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
