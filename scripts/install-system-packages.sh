#!/usr/bin/env bash
# Installs the Debian packages Grey builds and runs against, when any is missing.
# Runs apt-get directly as root, through sudo otherwise. Extra package names may be given
# as arguments (the benchmarks add wrk).
set -euo pipefail

packages=(
  libvips-dev libavformat-dev libavcodec-dev libswscale-dev libswresample-dev libpoppler-glib-dev zlib1g-dev libmagic-dev
  pkg-config libpq-dev postgresql nginx libnginx-mod-http-js util-linux passwd
  # the tests read videos from the origin with ffprobe and ffmpeg, as players seek
  ffmpeg
  # the contract and browser tests: a Python venv for schemathesis and selenium, and the
  # headless browser selenium drives
  python3-venv chromium chromium-driver
  "$@"
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "Grey needs these Debian packages: ${missing[*]}" >&2
  echo "Install them as root (apt-get install ${missing[*]}) or install sudo." >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
