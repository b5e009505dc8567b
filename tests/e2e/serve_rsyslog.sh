#!/bin/sh
# A real rsyslogd, with its own configuration, pid file, work directory and no
# system sockets, reads a netfilter log (imfile) and forwards it to serve over
# TCP (omfwd, octet-counted framing): every line arrives, counted exactly, and
# the stored events equal what `portlog import` makes of the same file.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

if ! command -v rsyslogd >/dev/null; then
	not_ok "rsyslogd installed" "run scripts/deps.sh (Debian package rsyslog)"
	exit 0
fi
# A copy of every psad scan log, one after another (real lines, read at test time).
for f in "$CORPUS"/psad-scans/*_scan_*; do cat "$f"; done >"$TMP/in.log"
lines=$(wc -l <"$TMP/in.log" | tr -d ' ')
$PORTLOG import --db "$TMP/import.db" "$TMP/in.log" >"$TMP/import.out"
want=$(sqlite3 "$TMP/import.db" "select count(*) from events")

start_serve --tcp "127.0.0.1:$PORT"
mkdir -p "$TMP/rs"
cat >"$TMP/rsyslog.conf" <<C
global(workDirectory="$TMP/rs" maxMessageSize="16k")
module(load="imfile" pollingInterval="1")
template(name="raw" type="string" string="%msg%")
input(type="imfile" file="$TMP/in.log" tag="fw" ruleset="fwd" readMode="0")
ruleset(name="fwd") {
	action(type="omfwd" target="127.0.0.1" port="$PORT" protocol="tcp"
	       tcp_framing="octet-counted" template="raw"
	       action.resumeRetryCount="-1" queue.type="LinkedList" queue.size="100000")
}
C
rsyslogd -n -f "$TMP/rsyslog.conf" -i "$TMP/rs/rsyslogd.pid" >"$TMP/rs.out" 2>&1 &
rspid=$!
wait_stored "$want" 30
kill -TERM $rspid 2>/dev/null
wait $rspid 2>/dev/null
fresh_snapshot
check_eq "rsyslog forwarded every netfilter line ($lines lines, $want events)" "$(stored)" "$want"
check_eq "serve received exactly the lines sent" "$(status_value counter received)" "$lines"
check_eq "nothing dropped or rejected" \
	"$(status_value counter queue_drops) $(status_value counter rejected)" "0 0"
same=$(sqlite3 "$DB" "attach '$TMP/import.db' as i;
	select count(*) from (select ts, src, dst, sport, dport, proto, pkt from events
	except select ts, src, dst, sport, dport, proto, pkt from i.events)")
check_eq "stored events equal the import of the same file" "$same" 0
check_eq "origin is tcp from the peer" \
	"$(sqlite3 "$DB" "select distinct origin from events_v")" "tcp:127.0.0.1"
