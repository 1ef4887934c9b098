#!/usr/bin/env bash
# Installs what a fresh machine lacks. `setup.sh web`: npm packages only (enough to serve the playground).
# `setup.sh test` (default): also Debian's chromium (browser tests) and PyTorch/ONNX (model tests).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

[ "$mode" = web ] && exit 0

apt_pkgs=(chromium python3-torch python3-onnx python3-numpy python3-pytest python3-matplotlib libopenblas0-pthread jargon-text)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
