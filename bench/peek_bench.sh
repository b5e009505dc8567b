#!/bin/sh
# peek_bench.sh - portlog peek on loopback: connections per second accepted
# and captured (each sends a short HTTP request, so each is recognised and
# stored), and resident memory with 10,000 idle connections open.
# Usage: bench/peek_bench.sh [N_CONNECTIONS] (default 50000).  Needs make.
set -e
cd "$(dirname "$0")/.."
N=${1:-50000}
OUT=bench/out/peek
mkdir -p "$OUT"
rm -f "$OUT"/peek.db*
cc -O2 -std=c11 -D_GNU_SOURCE -o "$OUT/peek_client" bench/peek_client.c
PORT=$((30000 + $$ % 20000))
ulimit -n 65536 2>/dev/null || true

wait_listen() {
	i=0
	until grep -q "listening on" "$1" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# 1. Throughput: limits wide open (this measures the engine, not the limits).
build/portlog peek --db "$OUT/peek.db" --user "$(id -un)" --tcp "$PORT" --timeout 10 \
	--max-conns 20000 --max-per-source 1000 --rate 1000000 --burst 1000000 \
	2>"$OUT/rate.err" &
PID=$!
wait_listen "$OUT/rate.err"
"$OUT/peek_client" "$PORT" rate "$N" 4 | tee "$OUT/rate.out"
sleep 2 # the last commit
kill -TERM $PID
wait $PID || true
rec=$(build/portlog captures --db "$OUT/peek.db" --counters | awk '$1=="recorded"{print $2}')
stored=$(sqlite3 "$OUT/peek.db" "SELECT count(*) FROM captures WHERE kind='http'")
echo "recorded $rec, stored http captures $stored"

# 2. Memory: 10,000 idle connections (40 sources x 250).
rm -f "$OUT"/peek.db*
build/portlog peek --db "$OUT/peek.db" --user "$(id -un)" --tcp "$PORT" --timeout 60 \
	--max-conns 20000 --max-per-source 1000 --rate 1000000 --burst 1000000 \
	2>"$OUT/idle.err" &
PID=$!
wait_listen "$OUT/idle.err"
rss0=$(awk '/^VmRSS:/ {print $2}' /proc/$PID/status)
"$OUT/peek_client" "$PORT" idle 40 250 6 >"$OUT/idle.out" &
CL=$!
sleep 4
open=$(build/portlog captures --db "$OUT/peek.db" --counters | awk '$1=="open"{print $2}')
rss1=$(awk '/^VmRSS:/ {print $2}' /proc/$PID/status)
hwm=$(awk '/^VmHWM:/ {print $2}' /proc/$PID/status)
wait $CL
kill -TERM $PID
wait $PID || true
echo "$(cat "$OUT/idle.out"); open in peek: $open; RSS before $rss0 KiB, with them $rss1 KiB, peak $hwm KiB"
