#!/bin/sh
# serve binds first, then runs as --user: checked with a real unprivileged
# user (root only; elsewhere there is nothing to drop).
. tests/e2e/lib.sh
if [ "$(id -u)" -ne 0 ]; then
	ok "privilege drop (skipped: not root)"
	exit 0
fi
if ! id nobody >/dev/null 2>&1; then
	ok "privilege drop (skipped: no user nobody)"
	exit 0
fi
dir="$TMP/var"
mkdir -p "$dir" && chmod 0777 "$dir" "$TMP"
port=$((20000 + $$ % 20000))
$PORTLOG serve --foreground --no-web --user nobody --db "$dir/p.db" --udp "127.0.0.1:$port" \
	2>"$TMP/err" &
pid=$!
i=0
while [ ! -f "$dir/p.db.serve-stats" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$pid/status 2>/dev/null)
nob=$(id -u nobody)
check_eq "runs as nobody (real, effective, saved, fs uid)" "$uid" "$nob $nob $nob $nob"
logger -n 127.0.0.1 -P "$port" -d -t kernel -- 'IN=eth0 OUT= SRC=203.0.113.9 DST=192.168.1.2 LEN=40 TTL=9 PROTO=TCP SPT=1 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0'
i=0
while [ "$(sqlite3 "$dir/p.db" 'select count(*) from events' 2>/dev/null)" != 1 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check_eq "and still stores what it receives" "$(sqlite3 "$dir/p.db" 'select count(*) from events')" 1
kill -TERM $pid
wait $pid
check_eq "exits cleanly" "$?" 0
