#!/usr/bin/env bash
# Make sure the browser tests have a Chromium: Debian's `chromium` package, installed here when
# it is missing and this user may install packages (root, as in CI). Playwright's own browser
# download is not used: it needs hosts that workshop and CI networks often block.
set -uo pipefail
browser="${STREAMLAB_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "No Chromium found: installing Debian's chromium package for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y -qq chromium >/dev/null 2>&1 \
     || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; then
    exit 0
  fi
  echo "Installing chromium failed; the browser tests will be skipped."
else
  echo "No Chromium at $browser and no permission to install it (needs root and apt-get):"
  echo "the browser tests will be skipped. Install it with: sudo apt-get install chromium"
fi
exit 0
