#!/bin/sh
# Bulk import's pipeline and WAL (cmd/import.c, store/checkpointer.c): however the same lines
# reach the store -- one clean import, a WAL started over every few pages, several files with
# stdin, an empty file and a file of no packets among them, an import killed with SIGKILL and
# run again, an import beside serve writing the same database -- the store holds the same
# events and the same roll-up answers, no event lost or doubled, and no WAL is left behind.
# The stored columns are also checked against the log text itself (bind_event's skipping).
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

GEN=${GEN:-$(pwd)/build/gen}
LOG="$TMP/gen.log"
"$GEN" --seed 3 --lines 300000 --days 30 --home-net 192.168.1.0/24 >"$LOG"
IMPORT="$PORTLOG import --quiet --year 2026 --home-net 192.168.1.0/24"

# answers DB: what the roll-ups and the events say, for the lines of January (serve's own
# lines are stamped now); the events' columns in one digest (not id, line or context: they
# depend on the files the lines came in).
answers() {
	jan="--db $1 --since 2026-01-01 --until 2026-02-01"
	$PORTLOG report ports $jan --by day --ports 445,23,53/udp,icmp
	$PORTLOG report sources $jan --by day --ports 445,22
	$PORTLOG report summary $jan
	sqlite3 "$1" "select ts,action,direction,proto,hex(src),hex(dst),sport,dport,hex(pkt),
		trusted from events where ts < 1769904000000000 order by 1,2,3,4,5,6,7,8,9,10" | md5sum
}
count() { sqlite3 "$1" "select count(*) from events"; }
# check_no_wal NAME DB: the WAL is gone, or empty, once every connection closed
check_no_wal() {
	if [ ! -s "$2-wal" ]; then ok "$1"; else not_ok "$1" "$(ls -l "$2-wal")"; fi
}

$IMPORT --db "$TMP/clean.db" "$LOG" >/dev/null 2>"$TMP/err" ||
	not_ok "clean import" "$(head -3 "$TMP/err")"
want=$(answers "$TMP/clean.db")
check_eq "clean import: every line an event" "$(count "$TMP/clean.db")" 300000
check_no_wal "clean import: no WAL left" "$TMP/clean.db"

# The stored columns against the log's own text: every TCP line's ports, length, TTL, window
# and options, as a sorted list on each side (a slot of the multi-row INSERT that kept an old
# binding would store its previous event's value).
awk '/PROTO=TCP/ {
	o = ""; s = ""; d = ""; l = ""; t = ""; w = ""
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^SPT=/) s = substr($i, 5)
		else if ($i ~ /^DPT=/) d = substr($i, 5)
		else if ($i ~ /^LEN=/ && l == "") l = substr($i, 5)
		else if ($i ~ /^TTL=/) t = substr($i, 5)
		else if ($i ~ /^HOPLIMIT=/) t = substr($i, 10)
		else if ($i ~ /^WINDOW=/) w = substr($i, 8)
		else if ($i == "OPT") { o = $(i + 1); gsub(/[()]/, "", o) }
	}
	print s "|" d "|" l "|" t "|" w "|" o
}' "$LOG" | sort | md5sum >"$TMP/text.md5"
event_csv "$TMP/clean.db" | awk -F, '$4 == "tcp" { print $6 "|" $8 "|" $12 "|" $13 "|" $14 "|" $15 }' |
	sort | md5sum >"$TMP/stored.md5"
check_eq "stored TCP columns are the log's own" "$(cat "$TMP/stored.md5")" "$(cat "$TMP/text.md5")"

# The WAL started over every 4 pages: a copy and a wait before nearly every transaction.
PORTLOG_WAL_RESTART_FRAMES=4 $IMPORT --db "$TMP/restart.db" "$LOG" >/dev/null 2>"$TMP/err" ||
	not_ok "import with the WAL restarting" "$(head -3 "$TMP/err")"
check_eq "WAL restarting: same events and answers" "$(answers "$TMP/restart.db")" "$want"
check_no_wal "WAL restarting: no WAL left" "$TMP/restart.db"

# One import of several inputs: an empty file, a file of lines that are no packets, the log
# in three parts, the last one on standard input.
: >"$TMP/empty.log"
yes 'Jan  2 03:04:05 gw sshd[77]: Accepted publickey for root from 192.168.1.9 port 5022' |
	head -n 3000 >"$TMP/noise.log"
head -n 123457 "$LOG" >"$TMP/part1.log"
sed -n '123458,250000p' "$LOG" >"$TMP/part2.log"
tail -n +250001 "$LOG" >"$TMP/part3.log"
out=$(PORTLOG_WAL_RESTART_FRAMES=4 $IMPORT --db "$TMP/parts.db" "$TMP/empty.log" \
	"$TMP/part1.log" "$TMP/noise.log" "$TMP/part2.log" - <"$TMP/part3.log" 2>"$TMP/err")
check_contains "several files: all read" "$out" "read 303000 lines, stored 300000 events"
check_eq "several files, stdin, empty and no packets: same events and answers" \
	"$(answers "$TMP/parts.db")" "$want"
again=$($IMPORT --db "$TMP/parts.db" "$TMP/empty.log" "$TMP/part1.log" "$TMP/noise.log" \
	"$TMP/part2.log" 2>&1)
check_contains "several files again: nothing new" "$again" "read 0 lines, stored 0 events"
check_no_wal "several files: no WAL left" "$TMP/parts.db"

# Killed with SIGKILL part way, just after a commit and a little later, then run to its end:
# what each run committed stays, with its file mark, and the next run goes on from there.
db="$TMP/killed.db"
kills=0
for pause in 0 0.03; do
	before=$(count "$db" 2>/dev/null || echo 0)
	PORTLOG_WAL_RESTART_FRAMES=4 $IMPORT --db "$db" "$LOG" >/dev/null 2>&1 &
	pid=$!
	i=0 # until this run committed something, then a little longer
	while [ "$(count "$db" 2>/dev/null || echo 0)" -le "$before" ] && [ $i -lt 200 ] &&
		kill -0 $pid 2>/dev/null; do
		sleep 0.02
		i=$((i + 1))
	done
	sleep $pause
	kill -KILL $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
done
out=$(PORTLOG_WAL_RESTART_FRAMES=4 $IMPORT --db "$db" "$LOG" 2>"$TMP/err") ||
	not_ok "import after the kills" "$(head -3 "$TMP/err")"
case "$out" in
"read 0 lines"*) not_ok "killed part way" "the runs killed had read everything: $out" ;;
*) check_eq "killed part way, twice" "$kills" 2 ;;
esac
check_eq "killed and run again: same events and answers" "$(answers "$db")" "$want"
check_eq "killed and run again: every line once" "$(count "$db")" 300000
check_eq "killed: integrity" "$(sqlite3 "$db" 'pragma integrity_check')" ok

# serve writes the same database meanwhile, through its own connection and checkpoints.
start_serve --tcp "127.0.0.1:$PORT"
"$PLSEND" --tcp "127.0.0.1:$PORT" --count 20000 --rate 10000 --start 100000 >"$TMP/sent" 2>&1 &
spid=$!
PORTLOG_WAL_RESTART_FRAMES=4 $IMPORT --db "$DB" "$LOG" >/dev/null 2>"$TMP/err" ||
	not_ok "import beside serve" "$(head -3 "$TMP/err")"
wait $spid
wait_stored 320000
check_eq "beside serve: every event of both" "$(stored)" 320000
check_eq "beside serve: the import's events and answers" "$(answers "$DB")" "$want"
stop_serve
check_eq "beside serve: integrity" "$(sqlite3 "$DB" 'pragma integrity_check')" ok
check_no_wal "beside serve: no WAL left" "$DB"
