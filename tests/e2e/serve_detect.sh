#!/bin/sh
# The detectors run on serve's live stream: a scan sent over TCP is a stored
# finding within a second or so of its last line.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

start_serve --tcp "127.0.0.1:$PORT"
scan="$CORPUS/psad-scans/syn_scan_1000_1500"
# newline framing, one connection
bash -c "cat '$scan' >/dev/tcp/127.0.0.1/$PORT"
sent_at=$(date +%s%N)
lines=$(wc -l <"$scan" | tr -d ' ')
wait_stored "$lines" 10
check_eq "every scan line stored" "$(stored)" "$lines"

found=""
i=0
while [ $i -lt 30 ]; do
	js=$($PORTLOG report scans --db "$DB" --format json 2>/dev/null)
	case "$js" in *192.168.10.55*) found=1; break ;; esac
	sleep 0.1
	i=$((i + 1))
done
took=$(( ($(date +%s%N) - sent_at) / 1000000 ))
if [ -n "$found" ]; then ok "live scan finding stored (${took} ms after the last line was sent)"; else not_ok "live scan finding stored" "$js"; fi
check_contains "the finding is a SYN scan" "$js" "SYN"

# SIGHUP re-reads the trusted networks: later events from them are marked.
$PORTLOG trust add 203.0.113.0/24 --note partner --db "$DB" >/dev/null
kill -HUP "$SERVE_PID"
sleep 0.5
before=$(stored)
line='Mar 11 21:00:00 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.168.10.1 LEN=44 TTL=53 PROTO=TCP SPT=4000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0'
bash -c "printf '%s\n' '$line' >/dev/tcp/127.0.0.1/$PORT"
wait_stored $((before + 1)) 5
check_eq "after SIGHUP a newly trusted source's event is marked trusted" \
	"$(sqlite3 "$DB" "select trusted from events where hex(src)='CB007105'")" 1
stop_serve
check_eq "serve exits cleanly" "$SERVE_RC" 0
