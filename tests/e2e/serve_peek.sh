#!/bin/sh
# serve runs peek's listeners from [peek] in portlog.conf: a connection to
# such a port is an inbound event and a capture, recognised, in serve's store.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

PPORT=$((PORT + 1))
cat >"$TMP/portlog.conf" <<C
[peek]
tcp = $PPORT
bind = 127.0.0.1
C
start_serve --config "$TMP/portlog.conf" --tcp "127.0.0.1:$PORT"
curl -s -m 3 -A "e2e-agent" "http://127.0.0.1:$PPORT/probe-path" >/dev/null 2>&1
i=0
while [ $i -lt 30 ]; do
	n=$(sqlite3 "$DB" "select count(*) from events_v where dport=$PPORT" 2>/dev/null || echo 0)
	[ "$n" -ge 1 ] && break
	sleep 0.1
	i=$((i + 1))
done
check_eq "the connection is an inbound event on the peek port" \
	"$(sqlite3 "$DB" "select direction, format from events_v where dport=$PPORT limit 1")" "1|peek"
caps=$($PORTLOG captures --db "$DB" --format json 2>&1)
check_contains "the capture is recognised as HTTP" "$caps" "probe-path"
stop_serve
check_eq "serve exits cleanly" "$SERVE_RC" 0
grep -q "peek on 1 port" "$TMP/serve.err" && ok "serve says it runs peek" ||
	not_ok "serve says it runs peek" "$(tail -5 "$TMP/serve.err")"

cat >"$TMP/bad.conf" <<C
[peek]
tcp = 70000
C
check_status "a bad [peek] port is refused" 1 $PORTLOG serve --foreground --no-web $USER_FLAG \
	--config "$TMP/bad.conf" --db "$TMP/bad.db" --tcp "127.0.0.1:$((PORT + 2))"
