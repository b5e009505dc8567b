#!/bin/sh
# portlog homenet add|rm|list: checks what is typed, keeps portlog.conf's
# networks fixed, stores the rest; import and serve (at start and on SIGHUP)
# classify with configured plus stored networks; stored events keep their
# direction.  The dashboard's side is in web.sh and web_security.sh.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

H="$TMP/h.db"
CONF="$TMP/portlog.conf"
printf '[network]\nhome_net = 192.168.1.0/24\n' >"$CONF"
hn() { $PORTLOG homenet --db "$H" --config "$CONF" "$@"; }

# line SRC DST: a netfilter line whose own hint says inbound (IN= set, OUT= empty)
msg() {
	echo "[UFW BLOCK] IN=eth0 OUT= SRC=$1 DST=$2 LEN=40 TTL=50 PROTO=TCP SPT=4444 DPT=445 WINDOW=1024 RES=0x00 SYN URGP=0"
}
line() { echo "Mar  1 10:00:0$3 gw kernel: $(msg "$1" "$2")"; }
# dir_of SRC_HEX: the stored direction (1 in, 2 out, 3 internal) of the event from it
dir_of() { sqlite3 "$1" "select group_concat(direction) from events where hex(src) = '$2'"; }

check_status "homenet add" 0 hn add 10.9.0.0/16 --note 'lab <x>'
check_contains "homenet add says when it applies" "$(cat "$TMP/out")" "SIGHUP"
check_status "homenet add IPv6" 0 hn add 2001:DB8:5::1/48
check_contains "homenet add prints the canonical network" "$(cat "$TMP/out")" "2001:db8:5::/48"
check_status "homenet add refuses a bad network" 2 hn add 10.9.0.0/33
check_contains "homenet bad network says what to type" "$(cat "$TMP/err")" "like 192.168.1.0/24"
check_status "homenet add refuses markup" 2 hn add '<script>'
check_status "homenet add refuses /0" 2 hn add ::/0
check_status "homenet add refuses a configured one" 1 hn add 192.168.1.0/24
check_status "homenet rm refuses a configured one" 1 hn rm 192.168.1.0/24
check_contains "homenet rm says where it is set" "$(cat "$TMP/err")" "$CONF"
check_status "homenet rm of one not stored" 1 hn rm 10.10.0.0/16
out=$(hn list)
check_contains "homenet list shows configured" "$out" "192.168.1.0/24                               config"
check_contains "homenet list shows stored with its note" "$out" "lab <x>"
check_contains "homenet list json" "$(hn list --format json)" \
	'{"cidr":"10.9.0.0/16","from":"stored","note":"lab <x>"'
check_eq "homenet stored rows" "$(sqlite3 "$H" 'select cidr from home_nets order by cidr')" \
	"10.9.0.0/16
2001:db8:5::/48"

# import: stored networks count (with the configured ones and with --home-net)
line 10.9.1.2 203.0.113.8 1 >"$TMP/a.log"
line 2001:db8:5::7 2001:db8:99::1 2 >>"$TMP/a.log"
line 203.0.113.9 192.168.1.5 3 >>"$TMP/a.log"
$PORTLOG import --db "$H" --config "$CONF" --year 2024 "$TMP/a.log" >/dev/null 2>&1
check_eq "import: stored IPv4 home network makes it outbound" "$(dir_of "$H" 0A090102)" 2
check_eq "import: stored IPv6 home network makes it outbound" \
	"$(dir_of "$H" 20010DB8000500000000000000000007)" 2
check_eq "import: configured home network still counts" "$(dir_of "$H" CB007109)" 1
line 10.9.1.3 192.168.1.5 1 >"$TMP/b.log"
$PORTLOG import --db "$H" --config "$CONF" --home-net 172.16.0.0/12 --year 2024 "$TMP/b.log" \
	>/dev/null 2>&1
check_eq "import --home-net replaces the configured list, stored ones stay" \
	"$(dir_of "$H" 0A090103)" 2
hn rm 10.9.0.0/16 >/dev/null
line 10.9.1.4 203.0.113.8 1 >"$TMP/c.log"
$PORTLOG import --db "$H" --config "$CONF" --year 2024 "$TMP/c.log" >/dev/null 2>&1
check_eq "import after rm: back to the format's hint" "$(dir_of "$H" 0A090104)" 1
check_eq "events stored before keep their direction" "$(dir_of "$H" 0A090102)" 2

# serve: stored networks at start, and re-read on SIGHUP
DB="$H"
start_serve --config "$CONF" --udp "127.0.0.1:$PORT"
send() { logger -n 127.0.0.1 -P "$PORT" -d -t kernel "$(msg "$1" "$2")"; }
send 2001:db8:5::8 2001:db8:99::1
wait_stored 6 5
check_eq "serve: stored network used from the start" \
	"$(dir_of "$H" 20010DB8000500000000000000000008)" 2
hn add 10.9.0.0/16 >/dev/null
kill -HUP "$SERVE_PID"
sleep 0.5
send 10.9.1.5 203.0.113.8
wait_stored 7 5
check_eq "serve: network added with the CLI applies after SIGHUP" "$(dir_of "$H" 0A090105)" 2
stop_serve
check_eq "serve stops cleanly" "$SERVE_RC" 0
