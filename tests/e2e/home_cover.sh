#!/bin/sh
# A public home network's inside hosts in the host roll-up (host_cover.h):
# import with --home-net counts their events as it stores them; events
# stored before the network was known are counted when it becomes known
# (import --home-net, portlog homenet add, serve --home-net at its start),
# once however often it is said again; the counts equal the raw events'.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc
GEN=${GEN:-$(pwd)/build/gen}

"$GEN" --lines 20000 --seed 5 --start 2024-03-01 --days 7 --home-net 198.51.100.0/24 \
	>"$TMP/g.log"
head -n 12000 "$TMP/g.log" >"$TMP/a.log"
tail -n +12001 "$TMP/g.log" >"$TMP/b.log"
: >"$TMP/empty.log"
imp() { $PORTLOG import --db "$1" --year 2024 --home-net "$2" "$3" >/dev/null 2>&1; }
# the network's hosts (198.51.100.x, C63364xx): "address|as source|as destination"
NET="length(%s) = 4 AND hex(%s) LIKE 'C63364%%'"
rolled() {
	sqlite3 "$1" "SELECT hex(addr), as_src, as_dst FROM host_total
		WHERE $(printf "$NET" addr addr) ORDER BY 1"
}
raw() {
	sqlite3 "$1" "SELECT h, sum(s), sum(d) FROM (
		SELECT hex(src) h, 1 s, 0 d FROM events WHERE $(printf "$NET" src src)
		UNION ALL SELECT hex(dst), 0, 1 FROM events WHERE $(printf "$NET" dst dst))
		GROUP BY h ORDER BY h"
}
want_lines() { [ "$(printf '%s\n' "$1" | wc -l)" -ge "$2" ]; }

A="$TMP/a.db"
imp "$A" 192.168.1.0/24 "$TMP/a.log"
check_eq "not a home network yet: not in the roll-up" "$(rolled "$A")" ""
imp "$A" 198.51.100.0/24 "$TMP/b.log"
r=$(raw "$A")
want_lines "$r" 20 && ok "the network's hosts have events" || not_ok "the network's hosts have events" "$r"
check_eq "import --home-net: events before and after counted" "$(rolled "$A")" "$r"
check_eq "the network is recorded as covered" "$(sqlite3 "$A" 'SELECT cidr FROM host_cover')" \
	"198.51.100.0/24"
imp "$A" 198.51.100.0/24 "$TMP/empty.log"
$PORTLOG homenet --db "$A" add 198.51.100.0/24 >/dev/null 2>&1
check_eq "said again: nothing counted twice" "$(rolled "$A")" "$r"
imp "$A" 198.51.100.0/24 "$TMP/b.log" # the same file again: nothing new stored
check_eq "a log read again: nothing counted twice" "$(rolled "$A")" "$r"

B="$TMP/b.db"
imp "$B" 192.168.1.0/24 "$TMP/g.log"
$PORTLOG homenet --db "$B" add 198.51.100.0/24 >/dev/null 2>&1
check_eq "homenet add: the stored events counted" "$(rolled "$B")" "$(raw "$B")"
$PORTLOG homenet --db "$B" add 198.0.0.0/8 >/dev/null 2>&1
check_eq "a /8 is a home network but not covered" \
	"$(sqlite3 "$B" 'SELECT group_concat(cidr) FROM host_cover')" "198.51.100.0/24"

DB="$TMP/c.db"
imp "$DB" 192.168.1.0/24 "$TMP/g.log"
start_serve --home-net 198.51.100.0/24 --udp "127.0.0.1:$PORT"
stop_serve
check_eq "serve --home-net: counted at its start" "$(rolled "$DB")" "$(raw "$DB")"
check_eq "serve stops cleanly" "$SERVE_RC" 0
