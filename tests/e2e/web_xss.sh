#!/bin/sh
# XSS: log lines whose prefixes and hostnames carry <script>, "><img onerror>
# and javascript: payloads are imported (and sent live), a peek capture
# carries one too; every page that shows them is opened in Chromium
# (tests/web/xss.mjs): no payload runs, each is shown as text.
. tests/e2e/lib.sh
. tests/e2e/web_lib.inc

need_browser || exit 0
make_db 2000
# Payload lines inside the generated week (2024-03-01 .. 07)
src=203.0.113.66
{
	echo "Mar  5 10:00:01 <script>window.__xss(4)</script> kernel: [1234.5] <script>window.__xss(1)</script> IN=eth0 OUT= SRC=$src DST=192.168.1.10 LEN=40 TTL=50 ID=1 PROTO=TCP SPT=4444 DPT=445 WINDOW=1024 RES=0x00 SYN URGP=0"
	echo "Mar  5 10:00:02 \"><img/src=x/onerror=window.__xss(5)> kernel: [1234.6] \"><img src=x onerror=window.__xss(2)> IN=eth0 OUT= SRC=$src DST=192.168.1.10 LEN=40 TTL=50 ID=2 PROTO=TCP SPT=4444 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0"
	echo "Mar  5 10:00:03 javascript:window.__xss(6) kernel: [1234.7] javascript:window.__xss(3) IN=eth0 OUT= SRC=$src DST=192.168.1.10 LEN=40 TTL=50 ID=3 PROTO=TCP SPT=4444 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0"
} >"$TMP/xss.log"
"$PORTLOG" import --db "$WDB" --year 2024 --home-net 192.168.1.0/24 "$TMP/xss.log" >/dev/null 2>&1 ||
	echo "not ok web xss import of the payload log"

# A capture with a payload: peek on a loopback port, one connection.
PEEKP=$((WPORT + 2))
"$PORTLOG" peek --tcp "$PEEKP" --timeout 1 --db "$WDB" $USER_FLAG >"$TMP/peek.out" 2>&1 &
peek_pid=$!
sleep 0.5
printf '<script>window.__xss(7)</script>"><img src=x onerror=window.__xss(8)>\r\n' |
	timeout 3 curl -s --max-time 2 "telnet://127.0.0.1:$PEEKP" >/dev/null 2>&1
sleep 1.5
kill -TERM "$peek_pid" 2>/dev/null
wait "$peek_pid" 2>/dev/null
cap=$(sqlite3 "$WDB" "select id from captures order by id desc limit 1" 2>/dev/null)
[ -n "$cap" ] && ok "web xss capture recorded by peek" ||
	not_ok "web xss capture recorded by peek" "$(tail -3 "$TMP/peek.out")"

start_web
mkdir -p build/render
if ! SHOTS="$(pwd)/build/render" node tests/web/xss.mjs "$BASE" "$SPORT" "$src" "$cap" "$TMP/xss.log" \
	2>"$TMP/node.err"; then
	[ -s "$TMP/node.err" ] && { echo "not ok web xss browser script ran"; head -20 "$TMP/node.err"; }
fi
# The API answers escape them too (JSON strings; the CSV defuses nothing
# needed here but keeps the text whole).
out=$(curl -s "$BASE/api/events?src=$src")
check_contains "web xss api json escapes quotes" "$out" '\"><img src=x onerror=window.__xss(2)>'
stop_web
