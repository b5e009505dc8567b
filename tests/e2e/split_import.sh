#!/bin/sh
# A scan split across two imports is one finding: the second file continues the first within
# the scan's window (2 hours idle), so the store merges the second part into the first finding
# (times, ports, hosts, packets, danger) instead of adding another.
. tests/e2e/lib.sh

# psad's SYN scan of ports 1000-1500, cut in the middle, imported one half after the other
log="$CORPUS/psad-scans/syn_scan_1000_1500"
head -n 500 "$log" >"$TMP/part1.log"
tail -n +501 "$log" >"$TMP/part2.log"
$PORTLOG import --quiet --db "$TMP/whole.db" "$log" >/dev/null 2>&1
$PORTLOG import --quiet --db "$TMP/split.db" "$TMP/part1.log" >/dev/null 2>&1
first=$($PORTLOG report scans --db "$TMP/split.db" --format json)
check_contains "the first half alone is a smaller scan" "$first" '"packets":500,'
$PORTLOG import --quiet --db "$TMP/split.db" "$TMP/part2.log" >/dev/null 2>&1
whole=$($PORTLOG report scans --db "$TMP/whole.db" --format json)
split=$($PORTLOG report scans --db "$TMP/split.db" --format json)
check_eq "the split scan is one finding" "$(printf '%s' "$split" | grep -o '"kind":"scan"' | wc -l | tr -d ' ')" 1
# The same finding as the whole log gives, but for the port list's text, which is cut at 256
# bytes in each part (the counts and the range come from the parts' own numbers).
strip() { printf '%s' "$1" | sed 's/"ports":"[^"]*",//'; }
check_eq "merged: the whole scan's times, range, counts, hosts, danger, OS and summary" \
	"$(strip "$split")" "$(strip "$whole")"
json=$($PORTLOG report scans --db "$TMP/split.db" --format json)
check_contains "merged summary" "$json" \
	'"summary":"SYN vertical scan from 192.168.10.55: 501 ports 1000-1500 on 1 host, 1002 packets'

# Our own lines: one source, ports 1-20 on one host, then 21-40 on another 30 minutes later
# (another file), then 41-60 four hours later: the first two are one scan, the third another.
line() { # TIME HOST PORT
	printf 'Mar 11 %s gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.9 DST=%s LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n' "$1" "$2" "$3"
}
for p in $(seq 1 20); do line "10:00:$(printf %02d "$p")" 192.0.2.1 "$p"; done >"$TMP/a.log"
for p in $(seq 21 40); do line "10:30:$(printf %02d "$p")" 192.0.2.2 "$p"; done >"$TMP/b.log"
for p in $(seq 41 60); do line "14:30:$(printf %02d "$p")" 192.0.2.1 "$p"; done >"$TMP/c.log"
db="$TMP/own.db"
for f in a b c; do
	$PORTLOG import --quiet --year 2024 --db "$db" "$TMP/$f.log" >/dev/null 2>"$TMP/err" ||
		not_ok "import $f.log" "$(head -3 "$TMP/err")"
done
json=$($PORTLOG report scans --db "$db" --format json)
check_eq "a part within the window merges, one after it does not" \
	"$(printf '%s' "$json" | grep -o '"kind":"scan"' | wc -l | tr -d ' ')" 2
check_contains "merged: first to last time of both parts" "$json" \
	'"first":"2024-03-11T10:00:01.000000Z","last":"2024-03-11T10:30:40.000000Z"'
check_contains "merged: ports united, hosts united" "$json" \
	'"port_lo":1,"port_hi":40,"ports":"1-40","nports":40,"hosts":["192.0.2.1","192.0.2.2"],"nhosts":2,"packets":40'
check_contains "the later scan stands alone" "$json" \
	'"first":"2024-03-11T14:30:41.000000Z","last":"2024-03-11T14:31:00.000000Z"'

# Changing the trust list recomputes everything from all events: still the same merged scan.
$PORTLOG trust add 198.51.100.0/24 --db "$db" >/dev/null
again=$($PORTLOG report scans --db "$db" --format json)
check_contains "recomputed from all events: the same merged scan" "$again" \
	'"port_lo":1,"port_hi":40,"ports":"1-40","nports":40'
