#!/bin/sh
# The dashboard in headless Chromium (tests/web/web.mjs): overview with data,
# event filters and paging, port 445's charts, trust re-marks a source's
# events, a logger line in the live stream within 2 s, nothing loaded from
# elsewhere.  Screenshots in build/render/web-*.png.
. tests/e2e/lib.sh
. tests/e2e/web_lib.inc

need_browser || exit 0
make_db 20000
start_web
mkdir -p build/render
if ! node tests/web/web.mjs "$BASE" "$SPORT" "$(pwd)/build/render" 2>"$TMP/node.err"; then
	[ -s "$TMP/node.err" ] && { echo "not ok web browser script ran"; head -20 "$TMP/node.err"; }
fi
stop_web
check_eq "web serve stops cleanly" "$WEB_RC" 0
