#!/bin/sh
# CI helper for the browser e2e tests: installs Debian's chromium (and a CJK font, without which
# the Chinese pages screenshot as boxes) when missing and apt is available. Never fails the build
# by itself: the e2e run reports a missing browser clearly.
set -u
BROWSER="${CHROMIUM_PATH:-/usr/bin/chromium}"
PACKAGES=""
[ -x "$BROWSER" ] || PACKAGES="chromium"
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then PACKAGES="$PACKAGES fonts-wqy-microhei"; fi
if [ -z "$PACKAGES" ]; then
  echo "chromium and a CJK font present: $BROWSER"
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  echo "installing with apt-get:$PACKAGES"
  # shellcheck disable=SC2086
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PACKAGES || echo "apt-get install failed" >&2
else
  echo "missing:$PACKAGES and apt-get is unavailable; set CHROMIUM_PATH to a Chromium binary" >&2
fi
exit 0
