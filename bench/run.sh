#!/bin/sh
# bench/run.sh - what `make bench` runs: portlog import and reports measured
# against references taken in the same run, on the same files (wc -l, fwlogwatch,
# the same report on a smaller store).  Prints a dated section and appends it to
# BENCHMARKS.md.  Generated logs and databases stay in bench/out/ (gitignored).
#
#   BENCH_LINES=N        lines of the big log (default 10000000)
#   BENCH_QUICK_LINES=N  lines of the quick log (default 1000000)
#   BENCH_FW_LINES=N     lines of the log fwlogwatch reads (default 200000)
#   BENCH_FW_RUNS=N      portlog imports of that log, median taken (default 5)
#   BENCH_RUNS=N         runs per report latency, median taken (default 11)
#   BENCH_NO_APPEND=1    print only, leave BENCHMARKS.md alone
#   BENCH_OUT=DIR        where logs and stores go (default bench/out)
set -eu
cd "$(dirname "$0")/.."
export TZ=UTC LC_ALL=C PORTLOG_CONF=/dev/null

OUT=${BENCH_OUT:-bench/out}
PORTLOG=${PORTLOG:-build/portlog}
GEN=${GEN:-build/gen}
BIG=${BENCH_LINES:-10000000}
QUICK=${BENCH_QUICK_LINES:-1000000}
FW=${BENCH_FW_LINES:-200000}
RUNS=${BENCH_RUNS:-11}
[ "$QUICK" -gt "$BIG" ] && QUICK=$BIG
[ "$FW" -gt "$BIG" ] && FW=$BIG
# One log shape for every size: a year of a home network's firewall.
GEN_OPTS="--seed 1 --start 2024-01-01 --days 365 --home-net 192.168.1.0/24"
IMPORT_OPTS="--year 2024 --home-net 192.168.1.0/24"
PORTS_Q="report ports --by day --ports 135,445,5000"
SOURCES_Q="report sources --by hour --ports 445"

for f in "$PORTLOG" "$GEN"; do
	[ -x "$f" ] || { echo "bench: $f is missing; run make first (make bench does)" >&2; exit 1; }
done
mkdir -p "$OUT/bin"
# Measure a snapshot: others may rebuild build/portlog while this runs.
cp "$PORTLOG" "$OUT/bin/portlog"
SHOWN=$PORTLOG
PORTLOG=$OUT/bin/portlog
[ -z "${PORTLOG_DATA:-}" ] && [ -d build/data ] && export PORTLOG_DATA="$PWD/build/data"
# The snapshot has no data/ beside it: name the detectors' signatures too.
[ -z "${PORTLOG_SIGNATURES:-}" ] && export PORTLOG_SIGNATURES="$PWD/data/signatures"
REPORT=$OUT/report.md
: >"$REPORT"
say() { printf '%s\n' "$*" | tee -a "$REPORT"; }
note() { printf 'bench: %s\n' "$*" >&2; }

TIME=""
[ -x /usr/bin/time ] && TIME=/usr/bin/time
[ -n "$TIME" ] || note "/usr/bin/time is missing (Debian package time): peak memory and CPU time not measured"

now_ns() { date +%s%N; }
# secs NS: nanoseconds as seconds, 3 decimals
secs() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e9 }'; }
# div A B [DECIMALS]
div() { awk -v a="$1" -v b="$2" -v d="${3:-0}" 'BEGIN { if (b > 0) printf "%.*f", d, a / b; else print "n/a" }'; }
thousands() { printf '%s' "$1" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[,.]\)/\1,\2\3/; ta'; }

# measure NAME CMD... - run CMD once; sets WALL (s), CPU (user+sys s), RSS (MB),
# CORES; CMD's output goes to $OUT/NAME.out and .err.  Fails the bench if CMD does.
measure() {
	name=$1
	shift
	rc=0
	t0=$(now_ns)
	if [ -n "$TIME" ]; then
		$TIME -v -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
	else
		"$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
	fi
	t1=$(now_ns)
	if [ "$rc" != 0 ]; then
		note "$name failed (exit $rc): $*"
		tail -5 "$OUT/$name.err" >&2
		exit 1
	fi
	WALL=$(secs $((t1 - t0)))
	CPU=n/a RSS=n/a CORES=n/a
	if [ -n "$TIME" ]; then
		u=$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$OUT/$name.time")
		s=$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$OUT/$name.time")
		k=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$OUT/$name.time")
		CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		RSS=$(div "$k" 1024 1)
		CORES=$(div "$CPU" "$WALL" 2)
	fi
}

# gen_log FILE LINES - the generated log, reused while its options are unchanged
gen_log() {
	stamp="$GEN_OPTS --lines $2 $(md5sum <"$GEN" | cut -c1-12)"
	if [ -f "$1" ] && [ -f "$1.opts" ] && [ "$(cat "$1.opts")" = "$stamp" ]; then
		GEN_NOTE="reused from an earlier run"
		return
	fi
	rm -f "$1" "$1.opts"
	note "writing $1 ($2 lines)"
	# shellcheck disable=SC2086
	measure "gen-$2" sh -c "$GEN $GEN_OPTS --lines $2 >'$1'"
	GEN_NOTE="written at $(thousands "$(div "$2" "$WALL")") lines/s"
	printf '%s\n' "$stamp" >"$1.opts"
}

# import NAME LOG - fresh store $OUT/NAME.db; sets the measure variables and
# LINES, PORTLOG_RATE (portlog's own lines/s), WALL_RATE (lines / wall time)
# settle: before a timed import, the pages the last one left dirty (its
# store and WAL, written with synchronous=OFF) go to disk, so that their
# writing-out is not counted in the next import: measured, an import right
# after another took 9.4-9.9 s where it took 8.8-9.3 s after a sync, with a
# second more of system time.
settle() { sync; }

import() {
	rm -f "$OUT/$1.db" "$OUT/$1.db-wal" "$OUT/$1.db-shm"
	settle
	# shellcheck disable=SC2086
	measure "$1" "$PORTLOG" import --db "$OUT/$1.db" $IMPORT_OPTS "$2"
	FINAL=$(tail -1 "$OUT/$1.out")
	LINES=$(wc -l <"$2" | tr -d ' ')
	case "$FINAL" in
	"read $LINES lines, stored $LINES events, skipped 0,"*) ;;
	*) note "import of $2 did not store every line: $FINAL" ;;
	esac
	PORTLOG_RATE=$(printf '%s' "$FINAL" | sed -n 's/.* \([0-9][0-9]*\) lines\/s$/\1/p')
	WALL_RATE=$(div "$LINES" "$WALL")
}

# latency NAME CMD... - median and fastest of RUNS runs, in ms, after one
# warm-up run; sets MEDIAN, FASTEST, ROWS (output lines)
latency() {
	name=$1
	shift
	"$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || { note "$name failed: $*"; cat "$OUT/$name.err" >&2; exit 1; }
	ROWS=$(wc -l <"$OUT/$name.out" | tr -d ' ')
	: >"$OUT/$name.ms"
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1
		t1=$(now_ns)
		awk -v n=$((t1 - t0)) 'BEGIN { printf "%.1f\n", n / 1e6 }' >>"$OUT/$name.ms"
		i=$((i + 1))
	done
	MEDIAN=$(sort -n "$OUT/$name.ms" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	FASTEST=$(sort -n "$OUT/$name.ms" | head -1)
}

# ---- the machine ----
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
say ""
say "## $(date -u '+%Y-%m-%d %H:%M UTC') - $(thousands "$BIG") lines"
say ""
say "Machine: $(nproc) cores ($cpu), $mem RAM, Linux $(uname -r); load average at start" \
	"$(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: each figure has a reference" \
	"measured in the same run). portlog $commit, built with \`make\` (-O2)."
say ""

# ---- the logs ----
BIGLOG=$OUT/big-$BIG.log
QUICKLOG=$OUT/quick-$QUICK.log
FWLOG=$OUT/fw-$FW.log
gen_log "$BIGLOG" "$BIG"
big_note=$GEN_NOTE
gen_log "$QUICKLOG" "$QUICK"
gen_log "$FWLOG" "$FW"
big_bytes=$(wc -c <"$BIGLOG" | tr -d ' ')
# shellcheck disable=SC2086
measure gen-null sh -c "$GEN $GEN_OPTS --lines $BIG >/dev/null"
gen_null_rate=$(div "$BIG" "$WALL")
say "Logs: \`$GEN $GEN_OPTS --lines N > FILE\` for N = $BIG, $QUICK, $FW;" \
	"the big one is $(div "$big_bytes" 1048576) MiB ($(div "$big_bytes" "$BIG") bytes a line), $big_note" \
	"(gen alone, to /dev/null: $(thousands "$gen_null_rate") lines/s)." \
	"Imports: \`$SHOWN import --db FRESH.db $IMPORT_OPTS FILE\`, page cache warm, \`sync\` before each (bench/run.sh, settle)."
say ""

# ---- import vs the floor ----
cat "$BIGLOG" >/dev/null # warm the cache for wc and import alike
measure wc wc -l "$BIGLOG"
wc_wall=$WALL wc_cpu=$CPU wc_rss=$RSS wc_cores=$CORES
import import-big "$BIGLOG"
big_wall=$WALL big_cpu=$CPU big_rss=$RSS big_cores=$CORES big_rate=$PORTLOG_RATE
big_wall_rate=$WALL_RATE big_final=$FINAL
big_db=$(du -m "$OUT/import-big.db" | cut -f1)
import import-quick "$QUICKLOG"
q_wall=$WALL q_cpu=$CPU q_rss=$RSS q_cores=$CORES q_rate=$PORTLOG_RATE q_wall_rate=$WALL_RATE
q_final=$FINAL

# ---- fwlogwatch vs import on the same small log ----
fw_avail=1
command -v fwlogwatch >/dev/null 2>&1 || fw_avail=0
if [ $fw_avail = 1 ]; then
	note "fwlogwatch on $FW lines (takes a while)"
	measure fwlogwatch fwlogwatch -P n -o "$OUT/fwlogwatch.summary" "$FWLOG"
	fw_wall=$WALL fw_cpu=$CPU fw_rss=$RSS fw_cores=$CORES
	fw_parsed=$(sed -n 's/^\([0-9]* of [0-9]* entries\).*/\1/p' "$OUT/fwlogwatch.summary" | head -1)
fi
# A 200k-line import lasts under a second, where one slow start on this
# shared machine moves the figure by a third: the median of FW_RUNS imports,
# each into a fresh store (fwlogwatch's 40 s are measured once).
FW_RUNS=${BENCH_FW_RUNS:-5}
: >"$OUT/import-fw.walls"
i=0
while [ $i -lt "$FW_RUNS" ]; do
	import import-fw "$FWLOG"
	printf '%s %s %s %s %s\n' "$WALL" "$CPU" "$RSS" "$CORES" "$WALL_RATE" >>"$OUT/import-fw.walls"
	i=$((i + 1))
done
# median_line FILE: the line whose first field is the median (the lower
# one of an even count); median_of FILE: that field.
median_line() { sort -n "$1" | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }
median_of() { median_line "$1" | cut -d' ' -f1; }
# shellcheck disable=SC2046
set -- $(median_line "$OUT/import-fw.walls")
pf_wall=$1 pf_cpu=$2 pf_rss=$3 pf_cores=$4 pf_wall_rate=$5
pf_walls=$(cut -d' ' -f1 "$OUT/import-fw.walls" | sort -n | tr '\n' ' ' | sed 's/ $//')

say "| what | lines | wall s | lines/s (wall) | lines/s (portlog's line) | CPU s | cores used | peak RSS MB |"
say "|---|---:|---:|---:|---:|---:|---:|---:|"
say "| \`wc -l\` (floor) | $(thousands "$BIG") | $wc_wall | $(thousands "$(div "$BIG" "$wc_wall")") | | $wc_cpu | $wc_cores | $wc_rss |"
say "| portlog import | $(thousands "$BIG") | $big_wall | $(thousands "$big_wall_rate") | $(thousands "$big_rate") | $big_cpu | $big_cores | $big_rss |"
say "| portlog import | $(thousands "$QUICK") | $q_wall | $(thousands "$q_wall_rate") | $(thousands "$q_rate") | $q_cpu | $q_cores | $q_rss |"
if [ $fw_avail = 1 ]; then
	say "| \`fwlogwatch -P n -o FILE\` | $(thousands "$FW") | $fw_wall | $(thousands "$(div "$FW" "$fw_wall")") | | $fw_cpu | $fw_cores | $fw_rss |"
else
	say "| fwlogwatch | $FW | not available (Debian package fwlogwatch is not installed) | | | | | |"
fi
say "| portlog import (median of $FW_RUNS) | $(thousands "$FW") | $pf_wall | $(thousands "$pf_wall_rate") | | $pf_cpu | $pf_cores | $pf_rss |"
say ""
say "- portlog's final line, $BIG lines: \`$big_final\`"
say "- portlog's final line, $QUICK lines: \`$q_final\`"
say "- import is $(div "$big_wall" "$wc_wall" 1) times slower than \`wc -l\` on the same file; store: $big_db MB for $BIG events."
if [ $fw_avail = 1 ]; then
	say "- fwlogwatch (${fw_parsed:-? entries} parsed) took $(div "$fw_wall" "$pf_wall" 1) times as long as portlog import on the same $FW lines (portlog's $FW_RUNS imports: $pf_walls s)."
fi
say ""

# ---- report latency over the big store ----
note "report latency, $RUNS runs each"
say "Report latency, median (fastest) of $RUNS runs after a warm-up, whole process, in ms:"
say ""
say "| command | $BIG events | $QUICK events | rows |"
say "|---|---:|---:|---:|"
MEDIANS=""
for q in "$PORTS_Q" "$SOURCES_Q"; do
	# shellcheck disable=SC2086
	latency rep-big "$PORTLOG" $q --db "$OUT/import-big.db"
	b_med=$MEDIAN b_min=$FASTEST rows=$ROWS
	MEDIANS="$MEDIANS $MEDIAN"
	# shellcheck disable=SC2086
	latency rep-quick "$PORTLOG" $q --db "$OUT/import-quick.db"
	say "| \`$SHOWN $q\` | $b_med ($b_min) | $MEDIAN ($FASTEST) | $rows |"
done
latency version "$PORTLOG" --version
say "| \`$SHOWN --version\` (process start, the floor) | $MEDIAN ($FASTEST) | | |"
say ""

# ---- against issue 2's targets ----
verdict() {
	case "$1" in "" | n/a) echo "not measured"; return ;; esac
	if awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"; then echo met; else echo "NOT met"; fi
}
say "Issue 2's targets, this run:"
say "- import >= 1,000,000 lines/s: $(thousands "$big_wall_rate") lines/s on $BIG lines, $(verdict "$big_wall_rate" '>=' 1000000)."
say "- peak memory <= 150 MB for $BIG lines: $big_rss MB, $(verdict "$big_rss" '<=' 150)."
if [ $fw_avail = 1 ]; then
	say "- at least 100 times faster than fwlogwatch: $(div "$fw_wall" "$pf_wall" 1) times, $(verdict "$(div "$fw_wall" "$pf_wall" 3)" '>=' 100)."
fi
slowest=$(printf '%s\n' $MEDIANS | sort -n | tail -1)
say "- reports under 50 ms over $BIG events: slower one's median $slowest ms, $(verdict "$slowest" '<' 50)."

# ---- the detectors (issue 5): their cost, and their answers on ground truth ----
note "detectors: imports without them, and the scenario with ground truth"
# PORTLOG_DETECT=0 imports without the detectors.  One import of the big
# log swings by 10% on this kind of machine, so it alternates: without,
# with, without, with, without, the first "with" being import-big above
# (median of three each).  The quick log, which lasts seconds, alternates
# with and without, three times each (median).
# alternate NAME LOG D...: imports of LOG with PORTLOG_DETECT=D in that
# order, each into a fresh store; the walls appended to
# $OUT/detect-NAME.walls or $OUT/nodetect-NAME.walls, the largest peak RSS
# without the detectors kept in ND_RSS.
ND_RSS=0
alternate() {
	alt_name=$1 alt_log=$2 # not name: measure sets that
	shift 2
	for d in "$@"; do
		rm -f "$OUT"/import-alt.db*
		settle
		measure import-alt env PORTLOG_DETECT="$d" "$PORTLOG" import --db "$OUT/import-alt.db" \
			$IMPORT_OPTS "$alt_log"
		if [ "$d" = 1 ]; then
			echo "$WALL" >>"$OUT/detect-$alt_name.walls"
		else
			echo "$WALL" >>"$OUT/nodetect-$alt_name.walls"
			ND_RSS=$(awk -v a="$RSS" -v b="$ND_RSS" 'BEGIN { print (a + 0 > b + 0) ? a : b }')
		fi
	done
	rm -f "$OUT"/import-alt.db*
}
echo "$big_wall" >"$OUT/detect-big.walls"
: >"$OUT/nodetect-big.walls"
alternate big "$BIGLOG" 0 1 0 1 0
nd_big_rss=$ND_RSS
d_big_wall=$(median_of "$OUT/detect-big.walls")
nd_big_wall=$(median_of "$OUT/nodetect-big.walls")
: >"$OUT/detect-quick.walls"
: >"$OUT/nodetect-quick.walls"
alternate quick "$QUICKLOG" 1 0 1 0 1 0
dq=$(median_of "$OUT/detect-quick.walls")
ndq=$(median_of "$OUT/nodetect-quick.walls")
big_add=$(awk -v a="$d_big_wall" -v b="$nd_big_wall" 'BEGIN { printf "%.1f", 100 * (a - b) / b }')
q_add=$(awk -v a="$dq" -v b="$ndq" 'BEGIN { printf "%.1f", 100 * (a - b) / b }')
# bench/scenario.c: scanners of several speeds, sweeps, two outbreaks (one
# with a second wave), an infected inside host, trusted partners and benign
# noise, with the truth beside it; bench/scenario_score.sh compares.
score="not measured (no C compiler)"
if ${CC:-cc} -O2 -o "$OUT/bin/scenario" bench/scenario.c 2>"$OUT/scenario.err"; then
	"$OUT/bin/scenario" "$OUT/scenario.log" "$OUT/scenario.truth"
	rm -f "$OUT"/scenario.db*
	"$PORTLOG" import --quiet --db "$OUT/scenario.db" $IMPORT_OPTS "$OUT/scenario.log" >/dev/null
	# the partners the truth names trusted, as their owner would declare them
	sed -n 's/^trusted //p' "$OUT/scenario.truth" | while read -r net; do
		"$PORTLOG" trust add "$net" --db "$OUT/scenario.db" >/dev/null
	done
	score=$(bench/scenario_score.sh "$OUT/scenario.truth" "$OUT/scenario.db" "$PORTLOG" |
		tr '\n' ';' | sed 's/;$//; s/;/; /g')
fi
say ""
say "Detectors (issue 5), this run:"
say "- detection adds at most 25% to import time: $BIG lines, median of three each, alternating:" \
	"${d_big_wall} s with ($(tr '\n' ' ' <"$OUT/detect-big.walls" | sed 's/ $//; s/ /, /g')), ${nd_big_wall} s" \
	"without ($(tr '\n' ' ' <"$OUT/nodetect-big.walls" | sed 's/ $//; s/ /, /g'); \`PORTLOG_DETECT=0\`):" \
	"+$big_add%, $(verdict "$big_add" '<=' 25); $QUICK lines, median of three" \
	"each, alternating: ${dq} s with, ${ndq} s without: +$q_add%, $(verdict "$q_add" '<=' 25)." \
	"Peak RSS $big_rss MB with, $nd_big_rss MB without."
# issue 2's import figure above is one run; these medians swing less.
# Issue 2 lists what its import does (parse, classify, store, roll-ups);
# the detectors came with issue 5, whose own target is what they add.
nd_rate=$(div "$BIG" "$nd_big_wall")
d_rate=$(div "$BIG" "$d_big_wall")
say "- import rate from those medians: $(thousands "$d_rate") lines/s with the detectors" \
	"($(verdict "$d_rate" '>=' 1000000) against issue 2's 1,000,000), $(thousands "$nd_rate") lines/s" \
	"without (issue 2's parse, classify, store and roll-ups: $(verdict "$nd_rate" '>=' 1000000))."
say "- precision and recall on bench/scenario.c's ground truth: $score."
say "- detector memory with one million distinct sources: \`make bench-detect\` (BENCHMARKS.md, detectors section)."

if [ "${BENCH_NO_APPEND:-}" = 1 ]; then
	note "BENCH_NO_APPEND=1: BENCHMARKS.md left alone"
else
	if [ ! -f BENCHMARKS.md ]; then
		printf '# Benchmarks\n\nEach section is one run of `make bench` (bench/run.sh), newest last; %s\n' \
			"figures are from that run only." >BENCHMARKS.md
	fi
	cat "$REPORT" >>BENCHMARKS.md
	note "appended to BENCHMARKS.md"
fi
