#!/bin/sh
# The main job of `make run`: import the logs named by PORTLOG_LOGS (default
# /var/log/kern.log when readable, else a demo log made by bench/gen) into
# ./var/portlog.db, print the summary report, then run `portlog serve` in the
# foreground on the same store and say how to point a router or rsyslog at it.
set -e
cd "$(dirname "$0")/.."
mkdir -p var
db=var/portlog.db
logs=${PORTLOG_LOGS:-}
if [ -z "$logs" ]; then
	if [ -r /var/log/kern.log ] && grep -q ' IN=' /var/log/kern.log 2>/dev/null; then
		logs=/var/log/kern.log
	else
		logs=var/demo.log
		[ -f "$logs" ] || build/gen --lines 200000 --seed 1 >"$logs"
		echo "no firewall log in /var/log/kern.log; using a demo log made by bench/gen: $logs"
		# the demo's inside network (bench/gen --home-net default)
		PORTLOG_HOME_NET=${PORTLOG_HOME_NET:-192.168.1.0/24}
	fi
fi
# shellcheck disable=SC2086
build/portlog import --db "$db" ${PORTLOG_HOME_NET:+--home-net "$PORTLOG_HOME_NET"} $logs
build/portlog report summary --db "$db"

# Then collect live: serve in the foreground on 127.0.0.1:5514 (UDP and TCP),
# or PORTLOG_LISTEN (e.g. 0.0.0.0:5514 to hear a router on the network).
listen=${PORTLOG_LISTEN:-127.0.0.1:5514}
port=${listen##*:}
user=""
[ "$(id -u)" -eq 0 ] && user="--user root" # ./var belongs to whoever ran make
cat <<EOF

Dashboard: http://127.0.0.1:${PORTLOG_WEB_PORT:-8445}/  (open it in a browser on this machine)

portlog serve is starting, storing into $db (Ctrl-C stops it; then
'build/portlog status --db $db' and 'build/portlog report summary --db $db').
Point a log source at it:
  router:   remote syslog server = this host's address, port $port (UDP);
            listen on all addresses with PORTLOG_LISTEN=0.0.0.0:$port make run
  rsyslog:  add  *.* @127.0.0.1:$port  (UDP) or  *.* @@127.0.0.1:$port  (TCP)
            to /etc/rsyslog.d/portlog.conf, then systemctl restart rsyslog
  test:     logger -n 127.0.0.1 -P $port -t kernel 'IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.10 PROTO=TCP SPT=4444 DPT=445 SYN'
EOF
# shellcheck disable=SC2086
exec build/portlog serve --foreground --db "$db" --udp "$listen" --tcp "$listen" $user \
	--web "127.0.0.1:${PORTLOG_WEB_PORT:-8445}" \
	${PORTLOG_HOME_NET:+--home-net "$PORTLOG_HOME_NET"}
