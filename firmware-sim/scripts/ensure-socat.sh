#!/bin/sh
# Makes sure socat is there for firmware-sim's pseudo-terminal pairs (Debian/Ubuntu package "socat").
# Installs it with apt-get when it is missing and that is possible (root or passwordless sudo, apt
# present). Never fails the caller: without socat, firmware-sim falls back to a python3 pty relay.
set -u

if command -v socat >/dev/null 2>&1; then
  echo "ensure-socat: socat present at $(command -v socat)"
  exit 0
fi

if [ "$(id -u 2>/dev/null || echo unknown)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  SUDO="sudo -n"
else
  echo "ensure-socat: socat missing and not root; firmware-sim will use python3 (to install: sudo apt-get install socat)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-socat: socat missing and apt-get unavailable; firmware-sim will use python3"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Try without refreshing the package lists first; refresh only if that fails.
if $SUDO apt-get install -y --no-install-recommends socat >/dev/null 2>&1 ||
  { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y --no-install-recommends socat >/dev/null 2>&1; }; then
  echo "ensure-socat: installed socat at $(command -v socat)"
else
  echo "ensure-socat: could not install socat; firmware-sim will use python3"
fi
exit 0
