#!/bin/sh
# Run every fuzz target (build/fuzz/fuzz_*, see `make fuzz-build`) for
# FUZZ_SECONDS each (FUZZ_AUTO_SECONDS for the auto-detection target), with
# seeds made now from tests/fixtures: each fixture file whole (W3C headers
# need the lines after them) and each of its lines alone.  fuzz_auto gets
# every format's fixtures, fuzz_NAME those of tests/fixtures/NAME; a target
# whose input is not log lines (snmptrap, framing, peek, lines, args,
# escape, form, packs) gets the files of fuzz/seeds/NAME, written by hand
# (fuzz/seeds/README).
# Prints "ok fuzz NAME" / "not ok fuzz NAME"; a crash leaves its input in
# build/fuzz/crash-NAME-*, to be turned into a unit test.  Exit 1 on any failure.
cd "$(dirname "$0")/.." || exit 1
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_AUTO_SECONDS=${FUZZ_AUTO_SECONDS:-$FUZZ_SECONDS}
BF=build/fuzz
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# seeds DIR FIXTURE-FILE...
seeds() {
	dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	i=0
	for f in "$@"; do
		[ -f "$f" ] || continue
		i=$((i + 1))
		cp "$f" "$dir/file-$i"
		awk -v d="$dir" -v k="$i" 'NF { print > (d "/line-" k "-" NR); close(d "/line-" k "-" NR) }' "$f"
	done
}

failed=0
found=0
for bin in "$BF"/fuzz_*; do
	[ -x "$bin" ] || continue
	found=1
	name=${bin##*/fuzz_}
	if [ "$name" = auto ]; then
		seeds "$BF/seeds/$name" tests/fixtures/*/*.log
		secs=$FUZZ_AUTO_SECONDS
	elif [ -d fuzz/seeds/"$name" ]; then
		# binary inputs (a datagram, a stream, a capture): whole files only
		rm -rf "$BF/seeds/$name"
		mkdir -p "$BF/seeds/$name"
		cp fuzz/seeds/"$name"/* "$BF/seeds/$name"/
		secs=$FUZZ_SECONDS
	else
		seeds "$BF/seeds/$name" tests/fixtures/"$name"/*.log
		secs=$FUZZ_SECONDS
	fi
	mkdir -p "$BF/work/$name"
	log="$BF/fuzz_$name.log"
	if "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$BF/crash-$name-" -print_final_stats=1 \
		"$BF/work/$name" "$BF/seeds/$name" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok fuzz $name (${secs}s, $runs inputs)"
	else
		failed=1
		echo "not ok fuzz $name: see $log"
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written|abort' "$log" | head -8 | sed 's/^/  /'
	fi
done
if [ $found -eq 0 ]; then
	echo "not ok fuzz: no build/fuzz/fuzz_* (run make fuzz-build)"
	exit 1
fi
exit $failed
