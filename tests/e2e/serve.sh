#!/bin/sh
# portlog serve with real clients: logger (util-linux) over UDP and TCP, RFC
# 3164 and RFC 5424; device, time and fields of each stored event; status;
# SIGHUP reloading home networks while messages flow.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

LINE='[UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.10 LEN=44 TTL=53 PROTO=TCP SPT=56247 DPT=445 WINDOW=3072 RES=0x00 SYN URGP=0'
cat >"$TMP/portlog.conf" <<C
[network]
home_net = 10.0.0.0/8
C
start_serve --config "$TMP/portlog.conf" --udp "127.0.0.1:$PORT" --tcp "127.0.0.1:$PORT"

now=$(date +%s)
logger -n 127.0.0.1 -P "$PORT" -d --rfc3164 -t kernel --id=1 -- "$(echo "$LINE" | sed 's/DPT=445/DPT=1001/')"
logger -n 127.0.0.1 -P "$PORT" -d --rfc5424 -t kernel -- "$(echo "$LINE" | sed 's/DPT=445/DPT=1002/')"
logger -n 127.0.0.1 -P "$PORT" -T --rfc3164 -t kernel -- "$(echo "$LINE" | sed 's/DPT=445/DPT=1003/')"
logger -n 127.0.0.1 -P "$PORT" -T --rfc5424 --octet-count -t kernel -- "$(echo "$LINE" | sed 's/DPT=445/DPT=1004/')"
# no envelope host and no time: the peer is the device, arrival the time
bash -c "printf '%s' '<4>kernel: $(echo "$LINE" | sed 's/DPT=445/DPT=1005/')' >/dev/udp/127.0.0.1/$PORT"
wait_stored 5
check_eq "five messages from logger stored" "$(stored)" 5

host=$(hostname)
q() { sqlite3 -separator ' ' "$DB" "select device, origin, sport, dport, hex(src), ts/1000000 from events_v where dport=$1"; }
for d in 1001 1002 1003 1004; do
	row=$(q $d)
	set -- $row
	check_eq "dport $d: device is the syslog host" "$1" "$host"
	case $d in 1001 | 1002) want=udp ;; *) want=tcp ;; esac
	check_eq "dport $d: origin is $want from the peer" "$2" "$want:127.0.0.1"
	check_eq "dport $d: fields" "$3 $5" "56247 CB007107"
	dt=$(( $6 - now ))
	[ ${dt#-} -le 120 ] && ok "dport $d: time is now (UTC)" || not_ok "dport $d: time is now (UTC)" "off by $dt s"
done
set -- $(q 1005)
check_eq "no host in the message: device is the peer" "$1" "127.0.0.1"

fresh_snapshot
st=$($PORTLOG status --db "$DB")
check_contains "status: running" "$st" "portlog serve: running"
check_contains "status: per listener" "$st" "udp 127.0.0.1:$PORT"
check_contains "status: per peer" "$st" "127.0.0.1"
js=$($PORTLOG status --db "$DB" --format json)
check_contains "status json: events stored" "$js" '"events":5'
check_contains "status json: udp listener count" "$js" "\"udp 127.0.0.1:$PORT\":3"

# SIGHUP: home_net changes, and a steady TCP stream loses nothing meanwhile.
"$PLSEND" --tcp "127.0.0.1:$PORT" --count 20000 --rate 20000 --start 100000 >"$TMP/sent" &
spid=$!
sleep 0.3
sed -i 's|10.0.0.0/8|192.168.1.0/24, 203.0.113.0/24|' "$TMP/portlog.conf"
for _ in 1 2 3 4 5; do
	kill -HUP "$SERVE_PID"
	sleep 0.1
done
wait $spid
wait_stored 20005
check_eq "SIGHUP during a stream: every message stored" "$(stored)" 20005
check_eq "before SIGHUP: old home_net (inbound)" \
	"$(event_csv "$DB" | awk -F, '$12 == 100000 { print $3 }')" inbound
check_eq "after SIGHUP: new home_net (internal)" \
	"$(event_csv "$DB" | awk -F, '$12 == 119999 { print $3 }')" internal
check_contains "SIGHUP logged" "$(cat "$TMP/serve.err")" "configuration reloaded"

stop_serve
check_eq "SIGTERM: clean exit" "$SERVE_RC" 0
check_eq "integrity after stop" "$(sqlite3 "$DB" 'pragma integrity_check')" ok
st=$($PORTLOG status --db "$DB")
check_contains "status after stop: not running" "$st" "not running"

check_status "serve: bad address is a usage error" 1 $PORTLOG serve --foreground $USER_FLAG --db "$DB" --udp 127.0.0.1:99999
if [ "$(id -u)" -eq 0 ] && ! id portlog-no-such-user >/dev/null 2>&1; then
	check_status "serve: missing --user fails" 1 $PORTLOG serve --foreground --db "$DB" --udp "127.0.0.1:$PORT" --user portlog-no-such-user
	check_contains "serve: says how to create the user" "$(cat "$TMP/err")" "useradd"
fi
