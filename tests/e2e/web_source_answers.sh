#!/bin/sh
# /api/sources/ADDR keeps its answer while nothing is written (store_answer_*)
# and never serves it after a write: a trust added by another process, and
# log lines stored by serve itself, for an outside scanner and for inside
# hosts (the host roll-up, host_tally.h), old and new.
. tests/e2e/lib.sh
. tests/e2e/web_lib.inc

make_db 20000
start_web
scanner=$($PORTLOG report scans --db "$WDB" --format csv --limit 1 2>/dev/null |
	sed -n '2s/^scan,\([^,]*\),.*/\1/p')
[ -n "$scanner" ] || not_ok "web_source_answers: the test database has a scan"
num() { printf '%s' "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }
get() { curl -s "$BASE/api/sources/$1"; }

for a in "$scanner" 192.168.1.20; do
	first=$(get "$a")
	check_contains "sources $a answers" "$first" '"as_src":'
	check_eq "sources $a asked again: the same answer" "$(get "$a")" "$first"
done

# a write by another process: the kept answer goes
before=$(get "$scanner")
check_contains "scanner not trusted yet" "$before" '"trusted":false'
$PORTLOG trust add "$scanner" --db "$WDB" >/dev/null 2>&1
after=$(get "$scanner")
check_contains "trusted by another process: seen at once" "$after" '"trusted":true'
check_eq "its events re-marked: trusted_events = as_src + as_dst" "$(num "$after" trusted_events)" \
	"$(($(num "$after" as_src) + $(num "$after" as_dst)))"

# lines stored by serve: the scanner, an inside host seen as source before and one not
send() {
	bash -c "printf '%s' '<4>kernel: [UFW BLOCK] IN=eth0 OUT= SRC=$1 DST=$2 LEN=44 TTL=53 PROTO=TCP SPT=5555 DPT=$3 WINDOW=3072 RES=0x00 SYN URGP=0' >/dev/udp/127.0.0.1/$SPORT"
}
src0=$(num "$after" as_src)
in0=$(num "$(get 192.168.1.20)" as_src)
check_contains "an inside host never a source: no ports yet" "$(get 192.168.1.77)" '"ports":[]'
send "$scanner" 192.168.1.5 4444
send 192.168.1.20 198.51.100.9 4445
send 192.168.1.77 198.51.100.9 4446
i=0
until [ "$(num "$(get 192.168.1.77)" as_src)" = 1 ] || [ $i -ge 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
check_eq "scanner: its new event counted" "$(num "$(get "$scanner")" as_src)" $((src0 + 1))
check_eq "inside host: its new event counted" "$(num "$(get 192.168.1.20)" as_src)" $((in0 + 1))
new=$(get 192.168.1.77)
check_eq "an inside host's first event as source" "$(num "$new" as_src)" 1
check_contains "an inside host's first port" "$new" '"key":"4446/tcp"'
stop_web
check_eq "web serve stops cleanly" "$WEB_RC" 0
