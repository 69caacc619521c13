#!/usr/bin/env bash
# Installs what LMO Desk needs to build, test and package on Debian 12 (bookworm).
# Idempotent: installs only the packages that are missing. Works as root or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev
  libqt6sql6-sqlite libqt6opengl6-dev qt6-qpa-plugins libgl-dev libxkbcommon-dev
  libsqlite3-dev sqlite3
  libqt6sql6-psql libpq-dev postgresql-15 qtkeychain-qt6-dev
  xvfb xauth fonts-dejavu-core
  desktop-file-utils appstream dpkg-dev file
  poppler-utils
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything needed is already installed."
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run this script as root, or install sudo, to install them." >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
