#!/bin/sh
# Makes sure Mosquitto (Debian/Ubuntu package "mosquitto", 2.0) is there for the mutual-TLS broker tests
# (server/src/devices/mtls-mosquitto.integration-spec.ts), which start their own broker with the config
# `npm run broker:config -- mosquitto` writes. Installs it with apt-get when it is missing and that is
# possible (root or passwordless sudo, apt present). Never fails the caller: without it, that test
# is skipped and says so.
set -u

found() { command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; }

if found; then
  echo "ensure-mosquitto: mosquitto present"
  exit 0
fi

if [ "$(id -u 2>/dev/null || echo unknown)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  SUDO="sudo -n"
else
  echo "ensure-mosquitto: mosquitto missing and not root; the mTLS broker tests will be skipped (to install: sudo apt-get install mosquitto)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-mosquitto: mosquitto missing and apt-get unavailable; the mTLS broker tests will be skipped"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Try without refreshing the package lists first; refresh only if that fails.
if $SUDO apt-get install -y --no-install-recommends mosquitto >/dev/null 2>&1 ||
  { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y --no-install-recommends mosquitto >/dev/null 2>&1; }; then
  echo "ensure-mosquitto: installed mosquitto"
else
  echo "ensure-mosquitto: could not install mosquitto; the mTLS broker tests will be skipped"
fi
exit 0
