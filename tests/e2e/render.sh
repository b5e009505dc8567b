#!/bin/sh
# Render the charts and the HTML report with headless Chromium and check
# that each PNG came out (and is not blank).  The PNGs stay in
# build/render/ for a person to look at.  Skipped only when Chromium is not
# installed (make deps installs it).
. tests/e2e/lib.sh
out="$(pwd)/build/render"
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	ok "render (skipped: no chromium)"
	exit 0
fi
db="$TMP/r.db"
log="$TMP/spring2004.log"
awk -v prefix='<script>alert(1)</script>' -f tests/fixtures/outbreak.awk | sort -k1M -k2n -k3 >"$log"
touch -d 2004-07-01 "$log"
$PORTLOG import --db "$db" --home-net 192.168.1.0/24 "$log" >/dev/null 2>&1
$PORTLOG report ports --db "$db" --by day --ports 135,445,5000 --format svg >"$out/ports.svg"
$PORTLOG report sources --db "$db" --by hour --ports 445 --format svg >"$out/sources.svg"
$PORTLOG report html --db "$db" --out "$out/report.html" 2>/dev/null

# PNG NAME FILE: one screenshot, network and background services off.
png() {
	profile=$(mktemp -d "$TMP/chrome-XXXXXX")
	rm -f "$out/$1.png"
	timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --screenshot="$out/$1.png" --window-size=1000,1400 \
		"file://$2" >"$TMP/chrome.log" 2>&1
	size=$(wc -c <"$out/$1.png" 2>/dev/null || echo 0)
	# A blank 1000x1400 page compresses to a few kB; a drawn chart is far larger.
	if [ "$size" -gt 15000 ]; then ok "render $1 ($size bytes)"; else
		not_ok "render $1" "png $size bytes" "$(tail -5 "$TMP/chrome.log")"; fi
}
png ports "$out/ports.svg"
png sources "$out/sources.svg"
png report "$out/report.html"
