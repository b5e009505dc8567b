#!/bin/sh
# serve_bench.sh - portlog serve under load on loopback, against rsyslogd fed
# by the same sender (bench/plsend.c).  Prints one line per measurement.
#   UDP: RATE msg/s for SECS s (default 200000 x 10): sent, stored, lost;
#        rsyslogd (imudp -> omfile) at the same rate: lines written, lost.
#   TCP: COUNT messages from one connection as fast as it goes: time until
#        all are in the store.
#   Peak resident memory (VmHWM) of serve.
# Usage: bench/serve_bench.sh [RATE] [SECS] [TCP_COUNT]
set -e
cd "$(dirname "$0")/.."
rate=${1:-200000}
secs=${2:-10}
tcount=${3:-2000000}
out=bench/out/serve
rm -rf "$out" && mkdir -p "$out"
cc -O2 -o build/plsend bench/plsend.c
port=$((30000 + $$ % 10000))
user=""
[ "$(id -u)" -eq 0 ] && user="--user root"
now() { date +%s.%N; }
count() { sqlite3 "$1" "select count(*) from events"; }
# wait until N events are stored or nothing moves for 3 s
settle() {
	last=-1; still=0
	while [ "$(count "$1")" -lt "$2" ] && [ $still -lt 30 ]; do
		c=$(count "$1"); [ "$c" = "$last" ] && still=$((still + 1)) || still=0; last=$c
		sleep 0.1
	done
}

total=$((rate * secs))
build/portlog serve --foreground $user --db "$out/udp.db" --udp "127.0.0.1:$port" 2>"$out/udp.err" &
pid=$!
sleep 0.5
build/plsend --udp "127.0.0.1:$port" --rate "$rate" --count "$total" >"$out/udp.sent" 2>>"$out/udp.err"
settle "$out/udp.db" "$total"
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill -TERM $pid; wait $pid || true
got=$(count "$out/udp.db")
echo "udp portlog: rate $rate/s for $secs s: sent $total, stored $got, lost $((total - got)); peak RSS $((hwm / 1024)) MB"

if command -v rsyslogd >/dev/null; then
	mkdir -p "$out/rs"
	cat >"$out/rsyslog.conf" <<C
global(workDirectory="$PWD/$out/rs")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$((port + 1))")
action(type="omfile" file="$PWD/$out/rsyslog.out")
C
	rsyslogd -n -f "$out/rsyslog.conf" -i "$PWD/$out/rs/pid" 2>"$out/rs.err" &
	rpid=$!
	sleep 1
	build/plsend --udp "127.0.0.1:$((port + 1))" --rate "$rate" --count "$total" >/dev/null 2>&1
	last=-1
	while :; do
		sleep 1
		c=$(wc -l <"$out/rsyslog.out" 2>/dev/null || echo 0)
		[ "$c" = "$last" ] && break
		last=$c
	done
	kill -TERM $rpid; wait $rpid || true
	echo "udp rsyslogd imudp->omfile: rate $rate/s for $secs s: sent $total, written $last, lost $((total - last))"
fi

build/portlog serve --foreground $user --db "$out/tcp.db" --tcp "127.0.0.1:$port" 2>"$out/tcp.err" &
pid=$!
sleep 0.5
t0=$(now)
build/plsend --tcp "127.0.0.1:$port" --count "$tcount" >/dev/null 2>>"$out/tcp.err"
settle "$out/tcp.db" "$tcount"
t1=$(now)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill -TERM $pid; wait $pid || true
got=$(count "$out/tcp.db")
awk -v n="$got" -v c="$tcount" -v a="$t0" -v b="$t1" -v m="$hwm" 'BEGIN {
	printf "tcp portlog: %d messages, one connection: stored %d in %.2f s, %.0f msg/s into the store; peak RSS %d MB\n", c, n, b - a, n / (b - a), m / 1024 }'
