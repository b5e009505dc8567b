#!/bin/sh
# bench/port_bench.sh - how fast `portlog port N` and the SVG charts answer on a
# store of a year of traffic (default 10,000,000 events).  The reference, timed
# in the same loop, is the same series as CSV (`report ... --format csv`), so
# the chart's own cost shows.  Prints a dated section; appends it to
# BENCHMARKS.md unless BENCH_NO_APPEND=1.
#
#   BENCH_LINES=N  events in the store (default 10000000)
#   BENCH_RUNS=N   runs per command, median taken (default 11)
set -eu
cd "$(dirname "$0")/.."
export TZ=UTC LC_ALL=C PORTLOG_CONF=/dev/null
OUT=bench/out
GEN=${GEN:-build/gen}
LINES=${BENCH_LINES:-10000000}
RUNS=${BENCH_RUNS:-11}
# The same log shape (and file) as bench/run.sh: a year of a home network.
GEN_OPTS="--seed 1 --start 2024-01-01 --days 365 --home-net 192.168.1.0/24"
for f in build/portlog "$GEN"; do
	[ -x "$f" ] || { echo "port_bench: $f is missing; run make first" >&2; exit 1; }
done
mkdir -p "$OUT/bin"
PORTLOG=$OUT/bin/portlog-portbench.$$ # a snapshot: others may rebuild build/portlog meanwhile
cp build/portlog "$PORTLOG"
trap 'rm -f "$PORTLOG"' EXIT
[ -z "${PORTLOG_DATA:-}" ] && export PORTLOG_DATA="$PWD/build/data"

log=$OUT/big-$LINES.log
want="$GEN_OPTS --lines $LINES $(sha1sum <"$GEN" | cut -c1-12)"
if [ ! -s "$log" ] || [ "$(cat "$log.opts" 2>/dev/null)" != "$want" ]; then
	echo "port_bench: generating $log" >&2
	"$GEN" $GEN_OPTS --lines "$LINES" >"$log.tmp" && mv "$log.tmp" "$log"
	echo "$want" >"$log.opts"
fi
db=$OUT/port-bench-$LINES.db
# A store from an older schema (or an unfinished import) is made again.
if ! "$PORTLOG" port 445 --db "$db" 2>/dev/null | grep -q "^Your firewall"; then
	rm -f "$db" "$db-wal" "$db-shm"
	echo "port_bench: importing $LINES events into $db" >&2
	t0=$(date +%s%N)
	"$PORTLOG" import --db "$db" --year 2024 --home-net 192.168.1.0/24 "$log" >&2
	echo "port_bench: import took $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
fi
events=$(sqlite3 "$db" 'SELECT count(*) FROM events')

# timing CMD...: "median / fastest" wall time of RUNS runs, then the CPU time
# (task-clock, from perf when installed): on a busy machine wall time is mostly
# waiting for a core, and the fastest run and the CPU time say what the
# command itself costs.
timing() {
	i=0
	: >"$OUT/port-bench.times"
	while [ $i -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		"$@" >/dev/null
		t1=$(date +%s%N)
		echo $((t1 - t0)) >>"$OUT/port-bench.times"
		i=$((i + 1))
	done
	wall=$(sort -n "$OUT/port-bench.times" | awk -v n="$RUNS" \
		'{ v[NR] = $1 } END { printf "%.1f / %.1f ms", v[int((n + 1) / 2)] / 1e6, v[1] / 1e6 }')
	cpu=n/a
	if command -v perf >/dev/null 2>&1; then
		cpu=$(perf stat -x, -e task-clock -r "$RUNS" "$@" 2>&1 >/dev/null |
			awk -F, '/task-clock/ { printf "%.1f ms", $1 }')
	fi
	echo "$wall | $cpu"
}

year="--since 2024-01-01 --until 2025-01-01"
rows=""
row() { # LABEL TARGET CMD...
	label=$1 target=$2
	shift 2
	t=$(timing "$@")
	rows="$rows| \`$label\` | $t | $target |
"
}
row "portlog port 445" "< 20 ms" "$PORTLOG" port 445 --db "$db"
row "portlog port 3389/tcp" "< 20 ms" "$PORTLOG" port 3389/tcp --db "$db"
row "portlog port 40000 (no page)" "< 20 ms" "$PORTLOG" port 40000 --db "$db"
row "portlog port --search smb" "" "$PORTLOG" port --search smb
row "report sources --by hour --ports 445 --format svg ($year)" "< 100 ms" \
	"$PORTLOG" report sources --by hour --ports 445 $year --db "$db" --format svg
row "same, --format csv (reference)" "" \
	"$PORTLOG" report sources --by hour --ports 445 $year --db "$db" --format csv
row "report ports --by hour --ports 135,445,5000 --format svg ($year)" "< 100 ms" \
	"$PORTLOG" report ports --by hour --ports 135,445,5000 $year --db "$db" --format svg
row "same, --format csv (reference)" "" \
	"$PORTLOG" report ports --by hour --ports 135,445,5000 $year --db "$db" --format csv
# The page runs the summary's rankings (store_rank), seconds on this store: once is enough.
RUNS_SAVED=$RUNS
RUNS=1
row "report html ($year), one run" "" "$PORTLOG" report html $year --db "$db" --out "$OUT/port-bench.html"
RUNS=$RUNS_SAVED

"$PORTLOG" report ports --by hour --ports 135,445,5000 $year --db "$db" --format svg >"$OUT/port-bench.svg"
points=$(grep -o 'points="[^"]*"' "$OUT/port-bench.svg" | head -1 | tr ' ' '\n' | grep -c ,)
size=$(wc -c <"$OUT/port-bench.svg" | tr -d ' ')

section="
## portlog port and SVG charts — $(date -u +%Y-%m-%d)

Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1),
$(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo); load average at start
$(cut -d' ' -f1-3 /proc/loadavg). Store: $events events (\`$GEN $GEN_OPTS --lines $LINES\`,
imported with \`portlog import --year 2024\`). Command: \`bench/port_bench.sh\` (median of
$RUNS runs each, wall time including process start and loading the knowledge base; CPU
time from \`perf stat -e task-clock\`).

| command | wall: median / fastest | CPU (task-clock) | target |
|---|---|---|---|
$rows
The one-year hourly chart has 8,784 hours per series; it is drawn with $points points per
series (each the peak of the hours it covers) and is $size bytes of SVG.
"
printf '%s\n' "$section"
[ "${BENCH_NO_APPEND:-0}" = 1 ] || printf '%s\n' "$section" >>BENCHMARKS.md
