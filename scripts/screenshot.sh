#!/bin/sh
# screenshot.sh PAGE.html OUT.png [WIDTHxHEIGHT] - a screenshot of a local
# HTML page in headless Chromium (Debian package chromium), with the flags
# that work on machines without network or a desktop: no sandbox (root),
# no GPU, no background connections, a fresh profile.
set -eu
page=$1
out=$2
size=${3:-1280,2400}
profile=$(mktemp -d /tmp/wijkscan-chromium.XXXXXX)
trap 'rm -rf "$profile"' EXIT
case "$page" in /*) ;; *) page=$(pwd)/$page ;; esac
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$profile" --window-size="$size" \
    --screenshot="$out" "file://$page" >/dev/null 2>&1
[ -s "$out" ]
