#!/usr/bin/env bash
# What the console's browser journeys need on a fresh machine (make test runs this): Debian's
# Chromium and the Noto CJK fonts (Chinese text in screenshots and layout). Playwright drives that
# binary (console/playwright.config.ts); its own browser download is not used.
# Installs with apt-get when something is missing (as root, or with sudo); otherwise says what to do.
set -euo pipefail
BROWSER="${GETIHU_CHROMIUM:-/usr/bin/chromium}"
missing=()
[ -x "$BROWSER" ] || missing+=(chromium)
if ! command -v fc-list >/dev/null || ! fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then missing+=(fonts-noto-cjk); fi
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "browser-bootstrap: install ${missing[*]} (Chromium and the Noto CJK fonts) with your package manager" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null || { echo "browser-bootstrap: run as root (or install sudo) to install ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "browser-bootstrap: installing ${missing[*]} with apt-get"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
