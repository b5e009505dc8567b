#!/bin/sh
# serve --follow: a growing file, rotation by rename+create and by
# copytruncate, a restart in between: every line stored exactly once.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

log="$TMP/fw.log"
n=0
# emit K: append K netfilter lines numbered on (LEN=n) to the log
emit() {
	i=0
	while [ $i -lt "$1" ]; do
		n=$((n + 1))
		i=$((i + 1))
		echo "Mar 11 20:35:11 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.10 LEN=$n TTL=53 PROTO=TCP SPT=1 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0"
	done >>"$log"
}
exactly() { # NAME: stored events are LEN 1..n, each once
	check_eq "$1" "$(event_lens "$DB")" "$n $n 1 $n"
}

emit 100
start_serve --follow "$log"
wait_stored $n
exactly "existing lines read"
emit 50
printf 'Mar 11 20:35:11 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.10 LEN=' >>"$log"
wait_stored $n
exactly "appended lines read, a partial line waits"
n=$((n + 1))
echo "$n TTL=53 PROTO=TCP SPT=1 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0" >>"$log"
wait_stored $n
exactly "the partial line completed"

# rename + create (logrotate's default), the writer going on in the new file
mv "$log" "$log.1"
emit 20
wait_stored $n
exactly "rename and create"

# restart, then rotate while stopped
stop_serve
emit 30
start_serve --follow "$log"
wait_stored $n
exactly "restart continues at the saved offset"
stop_serve
mv "$log" "$log.2"
emit 40
start_serve --follow "$log"
wait_stored $n
exactly "rotated while stopped: the new file is read from its start"

# copytruncate: copy, truncate in place, go on writing
cp "$log" "$log.3"
: >"$log"
sleep 0.5
emit 25
wait_stored $n
exactly "copytruncate"
cp "$log" "$log.4"
: >"$log"
emit 500 # refilled past the old offset before the next look
wait_stored $n
exactly "copytruncate refilled past the old offset"
fresh_snapshot
check_eq "status counts rotations" "$(status_value counter rotations)" 2
stop_serve
start_serve --follow "$log"
emit 5
wait_stored $n
exactly "restart after copytruncate"

# lines written while serve was stopped, then the file rotated away before it
# came back: the rest of the rotated copy is read first, then the new file
stop_serve
emit 7
mv "$log" "$log.5"
emit 3
start_serve --follow "$log"
wait_stored $n
exactly "lines written before a rotation while stopped are read from the rotated copy"
