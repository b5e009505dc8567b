#!/bin/sh
# kill -9 during a steady TCP stream: after a restart the store is intact
# (PRAGMA integrity_check), what is stored is exactly the first K messages
# sent (no holes, no duplicates), and what is missing is at most what the
# last batch, the queue and the socket buffers held.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

rate=20000
start_serve --tcp "127.0.0.1:$PORT"
"$PLSEND" --tcp "127.0.0.1:$PORT" --count 1000000 --rate $rate >"$TMP/sent" 2>/dev/null &
spid=$!
sleep 1.5
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
SERVE_PID=""
wait $spid
sent=$(sed -n 's/^sent //p' "$TMP/sent")
check_eq "integrity_check after kill -9" "$(sqlite3 "$DB" 'pragma integrity_check')" ok
set -- $(event_lens "$DB")
check_eq "stored: the first K messages, each once" "$1 $2 $3" "$4 $4 1"
missing=$((sent - $1))
# 250 ms of stream plus what buffers hold (socket buffers, queue): 1 s worth.
if [ "$1" -gt 0 ] && [ $missing -ge 0 ] && [ $missing -le $rate ]; then
	ok "only the last batch lost (sent $sent, stored $1)"
else
	not_ok "only the last batch lost" "sent $sent, stored $1, missing $missing"
fi
before=$1
start_serve --tcp "127.0.0.1:$PORT"
"$PLSEND" --tcp "127.0.0.1:$PORT" --count 1000 --start 5000000 >/dev/null 2>&1
wait_stored $((before + 1000))
check_eq "restarted serve stores again" "$(stored)" $((before + 1000))
