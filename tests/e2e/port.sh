#!/bin/sh
# portlog port: the knowledge-base page and the user's own figures.
. tests/e2e/lib.sh
db="$TMP/p.db"
log="$TMP/kern.log"
cat >"$log" <<'L'
Mar 11 20:35:11 gw kernel: [1.0] [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.10 LEN=44 TTL=53 PROTO=TCP SPT=56247 DPT=445 WINDOW=3072 RES=0x00 SYN URGP=0
Mar 12 08:00:00 gw kernel: [1.1] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.9 DST=192.168.1.10 LEN=44 TTL=60 PROTO=TCP SPT=1 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0
Mar 12 08:00:01 gw kernel: [1.2] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.9 DST=192.168.1.11 LEN=44 TTL=60 PROTO=TCP SPT=1 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0
Mar 12 09:30:00 gw kernel: [1.3] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.9 DST=192.168.1.12 LEN=44 TTL=60 PROTO=TCP SPT=1 DPT=135 WINDOW=1 RES=0x00 SYN URGP=0
L
touch -d 2024-03-20 "$log"
$PORTLOG import --db "$db" --home-net 192.168.1.0/24 "$log" >/dev/null 2>&1

out=$($PORTLOG port 445 --db "$db")
for section in "Port 445 - " "registered as microsoft-ds" "Common use" "Inbound traffic" \
	"Outbound traffic" "References" "CVE-2017-0144" "Your firewall on port 445" \
	"Top sources" "Daily trend" "Findings"; do
	check_contains "port 445 prints '$section'" "$out" "$section"
done
check_contains "first seen" "$out" "First seen   2024-03-11 20:35:11 UTC"
check_contains "last seen" "$out" "Last seen    2024-03-12 08:00:01 UTC"
check_contains "30-day events and sources" "$out" "3 events from 2 unique sources"
check_contains "top source first, with its last hour" "$out" "198.51.100.9                                   2 events, last 2024-03-12 08:00"
check_contains "trend day" "$out" "2024-03-12        2 "

json=$($PORTLOG port 445/tcp --db "$db" --format json)
check_contains "json page" "$json" '"port":445,"proto":"tcp","service":"microsoft-ds"'
check_contains "json figures" "$json" '"events":3,"sources":2'
echo "$json" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null &&
	ok "port json parses" || not_ok "port json parses" "$json"

udp=$($PORTLOG port 1434 --proto udp --db "$db")
check_contains "udp page" "$udp" "UDP port 1434"
check_contains "udp page has Slammer" "$udp" "CVE-2002-0649"
check_contains "udp figures: never seen" "$udp" "never seen in this database"

nodb=$($PORTLOG port 22 --db "$TMP/none.db")
check_contains "page without a database" "$nodb" "Secure Shell"
check_contains "says why figures are missing" "$nodb" "(no figures:"

unk=$($PORTLOG port 47 --db "$db")
check_contains "port without a page says so" "$unk" "no page for this port yet"

s=$($PORTLOG port --search smb)
check_contains "search smb finds 445" "$s" "445/tcp     microsoft-ds"
check_contains "search smb finds 139" "$s" "139/tcp"
check_status "search with no match exits 1" 1 $PORTLOG port --search zzqqxxnomatch
check_status "bad port is a usage error" 2 $PORTLOG port 70000
check_status "bad proto is a usage error" 2 $PORTLOG port 445/icmp
check_status "no port is a usage error" 2 $PORTLOG port

# A focused scan of a few ports is on the page of each port it lists, also
# one in the middle of its list (the lowest and highest are found by index).
for p in 1001 1002 1003 1005 1010 1020; do
	echo "Mar 11 20:35:1${#p} gw kernel: DROP IN=eth0 OUT= SRC=198.51.100.77 DST=192.168.1.10 LEN=44 TTL=53 PROTO=TCP SPT=40000 DPT=$p WINDOW=1024 RES=0x00 SYN URGP=0"
done >"$TMP/focused.log"
touch -d 2024-03-20 "$TMP/focused.log"
$PORTLOG import --quiet --db "$TMP/focused.db" --home-net 192.168.1.0/24 "$TMP/focused.log" >/dev/null
mid=$($PORTLOG port 1003 --db "$TMP/focused.db")
check_contains "a scan listing 1001..1020 is on port 1003's page" "$mid" "198.51.100.77"
