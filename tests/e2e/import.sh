#!/bin/sh
# portlog import, events and report on real and written logs.
. tests/e2e/lib.sh
db="$TMP/p.db"

# Every psad scan file parses: zero malformed, counts per file.
for f in "$CORPUS"/psad-scans/*; do
	name=$(basename "$f")
	[ "$name" = README.md ] && continue
	lines=$(wc -l <"$f" | tr -d ' ')
	out=$($PORTLOG import --db "$TMP/psad-$name.db" "$f" 2>&1)
	check_contains "psad $name: every line stored" "$out" "read $lines lines, stored $lines events, skipped 0,"
done

log="$TMP/kern.log"
cat >"$log" <<'L'
Mar 11 20:35:11 gw kernel: [463490.251762] [UFW BLOCK] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=203.0.113.7 DST=192.168.1.10 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=15270 PROTO=TCP SPT=56247 DPT=445 WINDOW=3072 RES=0x00 SYN URGP=0
Mar 11 20:35:12 gw sshd[42]: Accepted publickey for alice
Mar 11 20:35:13 gw kernel: [463490.3] [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.11 LEN=44 TTL=53 PROTO=TCP SPT=56247 DPT=445 WINDOW=3072 RES=0x00 SYN URGP=0
Mar 11 20:35:14 gw kernel: [463490.4] [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.12 LEN=44 TTL=53 PROTO=TCP SPT=56247 DPT=99999 WINDOW=3072 RES=0x00 SYN URGP=0
Mar 11 21:10:00 gw kernel: [463490.5] [UFW ALLOW] IN= OUT=eth0 SRC=192.168.1.10 DST=198.51.100.1 LEN=60 TTL=64 PROTO=UDP SPT=5353 DPT=53 LEN=40
Mar 12 08:00:00 gw kernel: [463490.6] [UFW BLOCK] IN=eth0 OUT= SRC=2001:db8::7 DST=2001:db8:1::10 LEN=80 HOPLIMIT=60 PROTO=TCP SPT=1 DPT=135 WINDOW=1 RES=0x00 SYN URGP=0
L
touch -d 2024-03-20 "$log"
out=$($PORTLOG import --db "$db" --home-net 192.168.1.0/24,2001:db8:1::/48 "$log" 2>"$TMP/err")
check_eq "import summary line" "$(echo "$out" | sed 's/, [0-9.]* s, [0-9]* lines\/s$//')" \
	"read 6 lines, stored 4 events, skipped 2 (not a packet log line: 1, bad DPT: 1)"
check_contains "malformed line reported with file:line" "$(cat "$TMP/err")" "kern.log:4: bad DPT:"

again=$($PORTLOG import --db "$db" "$log")
check_contains "re-import adds nothing" "$again" "read 0 lines, stored 0 events"

echo "Mar 12 09:00:00 gw kernel: [1.0] DROP IN=eth0 OUT= SRC=203.0.113.8 DST=192.168.1.10 LEN=44 TTL=53 PROTO=TCP SPT=1 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0" >>"$log"
touch -d 2024-03-20 "$log"
grown=$($PORTLOG import --db "$db" --home-net 192.168.1.0/24 "$log")
check_contains "grown file adds only new lines" "$grown" "read 1 lines, stored 1 events"

gzip -c "$log" >"$TMP/kern.log.1.gz"
gz=$($PORTLOG import --db "$db" "$TMP/kern.log.1.gz")
check_contains "compressed copy of an imported file adds nothing" "$gz" "read 0 lines, stored 0 events"
gz2=$($PORTLOG import --db "$TMP/gz.db" "$TMP/kern.log.1.gz")
check_contains ".gz is read" "$gz2" "read 7 lines, stored 5 events"
stdin=$(cat "$log" | $PORTLOG import --db "$TMP/stdin.db" -)
check_contains "stdin is read" "$stdin" "read 7 lines, stored 5 events"

ev=$($PORTLOG events --db "$db" --limit 1 --format json)
check_contains "events newest first, json" "$ev" '"src":"203.0.113.8","sport":1,"dst":"192.168.1.10","dport":445'
check_contains "year from mtime" "$ev" '"time":"2024-03-12T09:00:00.000000Z"'
# CSV: a field with a comma is quoted ("FIN,PSH,URG"), so every row has the
# header's 25 fields
csvdb="$TMP/csv.db"
echo "Mar 11 20:35:11 gw kernel: [1.0] [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.9 DST=192.168.1.10 LEN=40 TTL=53 PROTO=TCP SPT=1 DPT=80 WINDOW=1 RES=0x00 URG PSH FIN URGP=0" |
	$PORTLOG import --quiet --db "$csvdb" --year 2024 - >/dev/null
check_eq "events CSV quotes several TCP flags" \
	"$($PORTLOG events --db "$csvdb" --format csv | tail -n +2 | cut -d, -f8-11)" '80,"FIN,PSH,URG"'
check_eq "events CSV: each row as many fields as the header" \
	"$($PORTLOG events --db "$csvdb" --format csv | sed 's/"[^"]*"/q/g' | awk -F, '{ print NF }' | sort -u)" 25
check_eq "events --port" "$($PORTLOG events --db "$db" --port 445 --format csv | tail -n +2 | wc -l | tr -d ' ')" 3
check_eq "events --src CIDR" "$($PORTLOG events --db "$db" --src 203.0.113.0/24 --format csv | tail -n +2 | wc -l | tr -d ' ')" 3
check_eq "events --direction out" "$($PORTLOG events --db "$db" --direction out --format csv | tail -n +2 | cut -d, -f5,7,8)" "192.168.1.10,198.51.100.1,53"
check_eq "events --dst v6 net" "$($PORTLOG events --db "$db" --dst 2001:db8:1::/48 --format csv | tail -n +2 | cut -d, -f3,8)" "inbound,135"
check_eq "events --since" "$($PORTLOG events --db "$db" --since 2024-03-12 --format csv | tail -n +2 | wc -l | tr -d ' ')" 2

rep=$($PORTLOG report ports --db "$db" --by day --ports 135,445 --format csv)
check_eq "report ports by day, zeros included" "$rep" "period,135,445
2024-03-11,0,2
2024-03-12,1,1"
rep=$($PORTLOG report sources --db "$db" --by hour --ports 445 --since 2024-03-11T20:00 --until 2024-03-11T23:00 --format csv)
check_eq "report sources by hour" "$rep" "period,445
2024-03-11 20:00,1
2024-03-11 21:00,0
2024-03-11 22:00,0"
json=$($PORTLOG report ports --db "$db" --by day --ports 445 --format json)
check_contains "report json echoes the query" "$json" '"query":{"kind":"ports","by":"day"'
check_contains "report json rows" "$json" '{"period":"2024-03-11","start":1710115200,"values":{"445":2}}'
sum=$($PORTLOG report summary --db "$db")
check_contains "summary top port with service" "$sum" "445/tcp"
check_contains "summary service name" "$sum" "microsoft-ds"
check_contains "summary directions" "$sum" "inbound 4"
check_contains "summary inside hosts" "$sum" "192.168.1.10"

check_status "unknown command is a usage error" 2 $PORTLOG frobnicate
check_status "bad option is a usage error" 2 $PORTLOG report ports --by fortnight
check_status "missing file is an error" 1 $PORTLOG import --db "$db" "$TMP/nonexistent"
check_status "--help exits 0" 0 $PORTLOG import --help
check_status "report on a missing database fails" 1 $PORTLOG report summary --db "$TMP/none.db"
