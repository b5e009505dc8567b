# peek_lib.sh - starting and stopping portlog peek in tests (sourced after
# lib.sh).  Loopback only; every wait is bounded.

# A port base unlikely to collide with parallel runs.
PEEK_BASE=${PEEK_BASE:-$((20000 + $$ % 20000))}

# start_peek LOG ARGS... : starts peek in the background, sets PEEK_PID, waits
# (at most 10 s) until it says it is listening.  Returns 1 if it never did.
start_peek() {
	log=$1
	shift
	"$PORTLOG" peek "$@" 2>"$log" &
	PEEK_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		grep -q "listening on" "$log" 2>/dev/null && return 0
		kill -0 "$PEEK_PID" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop_peek: SIGTERM and wait (at most 20 s, then SIGKILL).
stop_peek() {
	kill -TERM "$PEEK_PID" 2>/dev/null
	i=0
	while kill -0 "$PEEK_PID" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$PEEK_PID" 2>/dev/null
	wait "$PEEK_PID" 2>/dev/null
}

# rss_kb PID: resident memory in KiB
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# counter DB NAME: one of peek's counters
counter() { "$PORTLOG" captures --db "$1" --counters | awk -v n="$2" '$1 == n {print $2}'; }

# The loopback test client (bench/peek_client.c), built once per run.
peek_client() {
	if [ ! -x "$TMP/peek_client" ]; then
		${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -o "$TMP/peek_client" bench/peek_client.c || return 1
	fi
	"$TMP/peek_client" "$@"
}
