#!/bin/sh
# peek_abuse.sh - peek under abuse on loopback: 2,000 connections that never
# send, a connection flood from one source, a peer that sends a megabyte, a
# slowloris trickle.  The limits hold, a well-behaved peer is still served,
# memory stays bounded, and everything turned away is counted.
. tests/e2e/lib.sh
. tests/e2e/peek_lib.sh

DB="$TMP/abuse.db"
P=$PEEK_BASE
peek_client 1 build-only 2>/dev/null
if ! start_peek "$TMP/peek.err" --db "$DB" --user "$(id -un)" --tcp "$P" --timeout 3 \
	--max-conns 500 --max-per-source 32 --rate 50 --burst 50 --conn-bytes 65536; then
	not_ok peek-starts "$(cat "$TMP/peek.err")"
	exit 0
fi
ok peek-starts
rss0=$(rss_kb "$PEEK_PID")

# 2,000 silent connections from 100 sources (20 each): at most 500 stay open,
# the oldest silent ones make room.
peek_client "$P" idle 100 20 2 >"$TMP/idle.out" &
IDLE=$!
sleep 1
# Meanwhile a well-behaved peer is served.
curl -s -m 2 --interface 127.0.0.9 "http://127.0.0.1:$P/still-served" >/dev/null 2>&1
rss1=$(rss_kb "$PEEK_PID")
wait $IDLE
check_contains idle-connected "$(cat "$TMP/idle.out")" "connected"

# A flood from one source: the rate limit turns most away.
peek_client "$P" flood 400 >/dev/null
# A megabyte: cut at --conn-bytes.  A trickle: cut at --timeout.
peek_client "$P" big 1048576 >/dev/null &
BIG=$!
peek_client "$P" trickle 5 >/dev/null &
TRICKLE=$!
wait $BIG
wait $TRICKLE
curl -s -m 2 --interface 127.0.0.10 "http://127.0.0.1:$P/after-flood" >/dev/null 2>&1
sleep 1.5
rss2=$(rss_kb "$PEEK_PID")
stop_peek

caps=$("$PORTLOG" captures --db "$DB" --kind http --limit 0)
check_contains served-during-idle "$caps" "path=/still-served"
check_contains served-after-flood "$caps" "path=/after-flood"
big=$("$PORTLOG" captures --db "$DB" --src 127.0.3.1 --format json)
check_contains megabyte-cut "$big" '"end":"byte-limit"'
check_contains megabyte-kept-4096 "$big" '"captured":4096'
slow=$("$PORTLOG" captures --db "$DB" --src 127.0.4.1 --format json)
check_contains slowloris-cut "$slow" '"end":"timeout"'

open_max=$(counter "$DB" open_max)
evicted=$(counter "$DB" evicted_silent)
rate=$(counter "$DB" rejected_rate)
[ "${open_max:-999999}" -le 500 ] && ok total-limit-holds || not_ok total-limit-holds "open_max=$open_max"
[ "${evicted:-0}" -ge 1000 ] && ok silent-evicted-counted || not_ok silent-evicted-counted "evicted=$evicted"
[ "${rate:-0}" -ge 300 ] && ok flood-rate-limited-counted || not_ok flood-rate-limited-counted "rejected_rate=$rate"
closed=$(counter "$DB" closed_byte_limit)
[ "${closed:-0}" -ge 1 ] && ok byte-limit-counted || not_ok byte-limit-counted "closed_byte_limit=$closed"
# Memory: growth under 2,000 connections stays small (ASan builds are larger
# per allocation, so the bound is generous; the benchmark measures exactly).
grow=$((rss1 - rss0))
[ "$grow" -lt 65536 ] && ok memory-bounded || not_ok memory-bounded "rss $rss0 -> $rss1 -> $rss2 KiB"
echo "# rss KiB: start $rss0, 2000 idle $rss1, end $rss2"
