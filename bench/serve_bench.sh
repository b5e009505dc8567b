#!/bin/sh
# serve_bench.sh - portlog serve under load on loopback, against references
# measured in the same run with the same sender (bench/plsend.c).  Prints one
# line per measurement.
#   UDP: RATE msg/s for SECS s (default 200000 x 10): sent, stored, lost;
#        rsyslogd (imudp -> omfile) at the same rate: lines written, lost.
#        UDP_RATES="r1 r2 ..." measures each rate in turn, both of them
#        (rate x SECS at most 4,000,000: plsend stamps all lines with one
#        second, and the store numbers at most 4,194,304 events a second).
#   TCP: COUNT messages from one connection as fast as it goes: time until
#        all are in the store; reference: `portlog import` of the same lines
#        from a file (the store's own speed on this machine, right now).
#   Peak resident memory (VmHWM) of serve, and CPU seconds per serve thread
#        (portlog-store / portlog-parse / the network thread "portlog").
#   COMPARE=/path/to/another/portlog runs the serve measurements with that
#        binary too, right after each with ours (before/after on one machine
#        state).
# Usage: bench/serve_bench.sh [RATE] [SECS] [TCP_COUNT]
set -e
cd "$(dirname "$0")/.."
rate=${1:-200000}
secs=${2:-10}
tcount=${3:-2000000}
rates=${UDP_RATES:-$rate}
out=bench/out/serve
rm -rf "$out" && mkdir -p "$out"
cc -O2 -o build/plsend bench/plsend.c
port=$((30000 + $$ % 10000))
user=""
[ "$(id -u)" -eq 0 ] && user="--user root"
now() { date +%s.%N; }
count() { sqlite3 "$1" "select count(*) from events"; }
# wait until N events are stored or nothing moves for 3 s.  Counts only the
# rows past the last id seen (a full count(*) of millions of rows ten times a
# second would take CPU from the server being measured); plsend stamps every
# line with one time, so ids only grow.
settle() {
	last=-1; still=0; seen=0; maxid=-1
	while [ "$seen" -lt "$2" ] && [ $still -lt 30 ]; do
		row=$(sqlite3 -separator ' ' "$1" \
			"select count(*), coalesce(max(id), $maxid) from events where id > $maxid" \
			2>/dev/null) || row=""
		set -- "$1" "$2" ${row:-0 $maxid}
		seen=$((seen + $3)); maxid=$4
		[ "$seen" = "$last" ] && still=$((still + 1)) || still=0; last=$seen
		sleep 0.1
	done
}
# CPU seconds of each thread of PID: "name s, name s, ..."
threads() {
	for t in /proc/$1/task/*; do
		printf '%s %s\n' "$(cat "$t/comm")" "$(awk '{ print $14 + $15 }' "$t/stat")"
	done | awk -v hz="$(getconf CLK_TCK)" '{ s[$1] += $2 } END {
		for (k in s) printf "%s%s %.2f s", n++ ? ", " : "", k, s[k] / hz }'
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# udp BIN LABEL RATE
udp() {
	total=$(($3 * secs))
	rm -f "$out/udp.db"*
	$1 serve --foreground $user --db "$out/udp.db" --udp "127.0.0.1:$port" 2>"$out/udp.err" &
	pid=$!
	sleep 0.5
	build/plsend --udp "127.0.0.1:$port" --rate "$3" --count "$total" >"$out/udp.sent" 2>>"$out/udp.err"
	settle "$out/udp.db" "$total"
	hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
	cpu=$(threads $pid)
	kill -TERM $pid; wait $pid || true
	got=$(count "$out/udp.db")
	echo "udp $2: rate $3/s for $secs s: sent $total, stored $got, lost $((total - got)); peak RSS $((hwm / 1024)) MB; CPU $cpu"
}

rsyslog() {
	total=$(($1 * secs))
	rm -rf "$out/rs" "$out/rsyslog.out" && mkdir -p "$out/rs"
	cat >"$out/rsyslog.conf" <<C
global(workDirectory="$PWD/$out/rs")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$((port + 1))")
action(type="omfile" file="$PWD/$out/rsyslog.out")
C
	rsyslogd -n -f "$out/rsyslog.conf" -i "$PWD/$out/rs/pid" 2>"$out/rs.err" &
	rpid=$!
	sleep 1
	build/plsend --udp "127.0.0.1:$((port + 1))" --rate "$1" --count "$total" >/dev/null 2>&1
	last=-1
	while :; do
		sleep 1
		c=$(wc -l <"$out/rsyslog.out" 2>/dev/null || echo 0)
		[ "$c" = "$last" ] && break
		last=$c
	done
	kill -TERM $rpid; wait $rpid || true
	echo "udp rsyslogd imudp->omfile: rate $1/s for $secs s: sent $total, written $last, lost $((total - last))"
}

# tcp BIN LABEL
tcp() {
	rm -f "$out/tcp.db"*
	$1 serve --foreground $user --db "$out/tcp.db" --tcp "127.0.0.1:$port" 2>"$out/tcp.err" &
	pid=$!
	sleep 0.5
	t0=$(now)
	build/plsend --tcp "127.0.0.1:$port" --count "$tcount" >/dev/null 2>>"$out/tcp.err"
	settle "$out/tcp.db" "$tcount"
	t1=$(now)
	hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
	cpu=$(threads $pid)
	kill -TERM $pid; wait $pid || true
	got=$(count "$out/tcp.db")
	awk -v n="$got" -v c="$tcount" -v a="$t0" -v b="$t1" -v m="$hwm" -v l="$2" -v cpu="$cpu" 'BEGIN {
		printf "tcp %s: %d messages, one connection: stored %d in %.2f s, %.0f msg/s into the store; peak RSS %d MB; CPU %s\n", l, c, n, b - a, n / (b - a), m / 1024, cpu }'
}

for rate in $rates; do
	udp build/portlog portlog "$rate"
	[ -n "$COMPARE" ] && udp "$COMPARE" "$COMPARE" "$rate"
	command -v rsyslogd >/dev/null && rsyslog "$rate"
done

tcp build/portlog portlog
[ -n "$COMPARE" ] && tcp "$COMPARE" "$COMPARE"

# The store's own speed on the same lines, now: import from a file (without
# the detectors, which serve does not run either).
build/plsend --print --count "$tcount" >"$out/lines.log" 2>/dev/null
rm -f "$out/import.db"*
PORTLOG_DETECT=0 build/portlog import --quiet --db "$out/import.db" --home-net 192.168.1.0/24 "$out/lines.log" >"$out/import.out" 2>&1 || true
echo "reference: PORTLOG_DETECT=0 portlog import of the same $tcount lines from a file: $(tail -1 "$out/import.out")"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
