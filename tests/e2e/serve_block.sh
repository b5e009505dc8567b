#!/bin/sh
# The block list in serve: a listed source's event is a reputation finding at once (live),
# and SIGHUP re-reads the list, so a network blocked while serve runs counts from then on.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

send() { # SRC PORT: one line over TCP
	l="Mar 11 21:00:00 gw kernel: DROP IN=eth0 OUT= SRC=$1 DST=192.168.10.1 LEN=44 TTL=53 PROTO=TCP SPT=4000 DPT=$2 WINDOW=1024 RES=0x00 SYN URGP=0"
	bash -c "printf '%s\n' '$l' >/dev/tcp/127.0.0.1/$PORT"
}
# wait_finding NEEDLE: until report reputation shows NEEDLE (3 s at most); prints the report
wait_finding() {
	i=0
	while [ $i -lt 30 ]; do
		js=$($PORTLOG report reputation --db "$DB" --format json 2>/dev/null)
		case "$js" in *"$1"*) break ;; esac
		sleep 0.1
		i=$((i + 1))
	done
	printf '%s' "$js"
}

$PORTLOG block add 203.0.113.0/24 --note "listed before serve" --db "$DB" >/dev/null
start_serve --tcp "127.0.0.1:$PORT"
send 203.0.113.5 22
js=$(wait_finding 203.0.113.5)
check_contains "a listed source is a live reputation finding" "$js" \
	'"kind":"reputation","subject":"203.0.113.5"'
check_contains "with the entry's note" "$js" '"signature":"listed before serve","refs":"203.0.113.0/24"'

# Listed while serve runs: counts after SIGHUP.
$PORTLOG block add 198.51.100.7 --note "added later" --db "$DB" >/dev/null
kill -HUP "$SERVE_PID"
sleep 0.5
send 198.51.100.7 23
js=$(wait_finding 198.51.100.7)
check_contains "after SIGHUP a newly listed source is a finding" "$js" \
	'"subject":"198.51.100.7"'
check_contains "named by the new entry" "$js" '"signature":"added later"'
send 192.0.2.99 25
wait_stored 3 5
check_eq "all three lines stored" "$(stored)" 3
js=$($PORTLOG report reputation --db "$DB" --format json)
case "$js" in
*192.0.2.99*) not_ok "an unlisted source is no reputation finding" "$js" ;;
*) ok "an unlisted source is no reputation finding" ;;
esac
stop_serve
check_eq "serve exits cleanly" "$SERVE_RC" 0
