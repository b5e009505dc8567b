#!/bin/sh
# peek_nmap.sh - nmap -sV (version detection, light) against peek's ports on
# 127.0.0.1: every probe nmap makes is a connection peek records.  Bounded
# by nmap's --host-timeout and peek's --timeout.
. tests/e2e/lib.sh
. tests/e2e/peek_lib.sh

if ! command -v nmap >/dev/null; then
	not_ok nmap-installed "nmap is missing: scripts/deps.sh installs it"
	exit 0
fi
DB="$TMP/nmap.db"
P1=$PEEK_BASE P2=$((PEEK_BASE + 1))
if ! start_peek "$TMP/peek.err" --db "$DB" --user "$(id -un)" --tcp "$P1,$P2" --timeout 8 \
	--rate 1000 --burst 1000; then
	not_ok peek-starts "$(cat "$TMP/peek.err")"
	exit 0
fi
timeout 90 nmap -sT -sV --version-light -T4 -Pn -n --host-timeout 80s -p "$P1,$P2" 127.0.0.1 \
	>"$TMP/nmap.out" 2>&1
sleep 1.5
stop_peek
accepted=$(counter "$DB" accepted)
recorded=$(counter "$DB" recorded)
echo "# nmap: $(grep -c . "$TMP/nmap.out") lines; peek accepted $accepted, recorded $recorded"
[ "${accepted:-0}" -ge 4 ] && ok nmap-probes-accepted || not_ok nmap-probes-accepted "accepted=$accepted" "$(cat "$TMP/nmap.out")"
check_eq every-probe-recorded "$recorded" "$accepted"
caps=$("$PORTLOG" captures --db "$DB" --limit 0)
# nmap's probes include an HTTP GET and others with a payload.
check_contains nmap-http-probe "$caps" "http method=GET"
n=$("$PORTLOG" events --db "$DB" --port "$P1" --limit 0 | grep -c inbound)
[ "$n" -ge 2 ] && ok nmap-events-inbound || not_ok nmap-events-inbound "events=$n"
